import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { BatchHandoff } from '../sink/batch-handoff';
import { createSinkActivities } from '../activities/write-rows';
import { createCassandraClient } from '../cassandra/client';
import type { PipelineConfig } from '../config/pipeline-config';
import { startBatchConsumer } from '../sink/consume-batches';
import { consumerLag } from '../kafka/consumer-lag';
import { readPartitionRange } from '../kafka/read-range';
import type { PipelineCounters } from '../metrics/pipeline-counters';
import { temporalConnectionOptions } from '../temporal/connection-options';
import { withHeartbeats } from './heartbeats';
import { runWorker, workflowCode, type RunningWorker } from './ingest';

/**
 * The consumer worker: a Kafka consumer that cuts batches and starts a `writeBatch` workflow for each,
 * plus the Temporal worker that runs those workflows and their Cassandra writes.
 */
export async function startSinkWorker(deps: { config: PipelineConfig; kafka: Kafka; counters: PipelineCounters; log?: (line: string) => void }): Promise<RunningWorker> {
  const { config } = deps;
  const cassandra = createCassandraClient(config.cassandra);
  await cassandra.connect();
  const workerConnection = await NativeConnection.connect(temporalConnectionOptions(config.temporal));
  const handoff = new BatchHandoff();
  const activities = withHeartbeats(createSinkActivities({
    cassandra,
    keyspace: config.cassandra.keyspace,
    table: config.cassandra.table,
    concurrency: config.cassandra.writeConcurrency,
    handoff,
    readRange: (ref) => readPartitionRange(deps.kafka, ref),
    onWritten: (count, ms) => {
      deps.counters.batchSize.observe(count);
      deps.counters.batchWriteSeconds.observe(ms / 1000);
    },
  }));
  // The shared queue runs batch workflows and the Kafka re-read fallback; this process's own queue
  // runs the writes of the batches whose rows it holds.
  const holderTaskQueue = `${config.temporal.sinkTaskQueue}@${os.hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const sharedWorker = await Worker.create({
    connection: workerConnection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.sinkTaskQueue,
    ...workflowCode(config),
    activities,
    maxConcurrentActivityTaskExecutions: Math.max(8, config.kafka.partitions * 2),
    // A batch workflow lives for a few workflow tasks; keeping thousands cached only costs memory.
    maxCachedWorkflows: 100,
  });
  const holderWorker = await Worker.create({
    connection: workerConnection,
    namespace: config.temporal.namespace,
    taskQueue: holderTaskQueue,
    activities,
    maxConcurrentActivityTaskExecutions: Math.max(8, config.kafka.partitions * 2),
  });
  const holderRunning = runWorker(holderWorker, async () => {});
  const sharedRunning = runWorker(sharedWorker, async () => {});
  const running = {
    done: Promise.all([sharedRunning.done, holderRunning.done]).then(() => undefined),
    async stop() {
      await Promise.all([sharedRunning.stop(), holderRunning.stop()]);
      await workerConnection.close();
      await cassandra.shutdown();
    },
  };
  const clientConnection = await Connection.connect(temporalConnectionOptions(config.temporal));
  const temporal = new Client({ connection: clientConnection, namespace: config.temporal.namespace });
  const consumer = await startBatchConsumer({ kafka: deps.kafka, temporal, config, counters: deps.counters, log: deps.log, handoff, holderTaskQueue });
  const stopLagPolling = pollConsumerLag(deps.kafka, config, deps.counters);
  return {
    done: running.done,
    async stop() {
      await stopLagPolling();
      // Drain the Kafka side first: its in-flight batch needs the worker to finish.
      await consumer.stop();
      await clientConnection.close();
      await running.stop();
    },
  };
}

/** Measures the group's lag every few seconds for the status line and the metrics endpoint. */
function pollConsumerLag(kafka: Kafka, config: PipelineConfig, counters: PipelineCounters, everyMs = 3000): () => Promise<void> {
  const admin = kafka.admin();
  let connected: Promise<boolean> = admin.connect().then(() => true, () => false);
  const timer = setInterval(async () => {
    if (!(await connected)) {
      connected = admin.connect().then(() => true, () => false);
      return;
    }
    try {
      const lags = await consumerLag(admin, config.kafka.consumerGroup, config.kafka.topic);
      for (const p of lags) counters.lagByPartition.set(p.partition, p.lag);
      counters.consumerLag = lags.reduce((sum, p) => sum + p.lag, 0);
    } catch {
      counters.consumerLag = undefined;
    }
  }, everyMs);
  return async () => {
    clearInterval(timer);
    await admin.disconnect().catch(() => undefined);
  };
}
