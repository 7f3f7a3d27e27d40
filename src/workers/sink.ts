import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Kafka } from 'kafkajs';
import { createSinkActivities } from '../activities/write-rows';
import { createCassandraClient } from '../cassandra/client';
import type { PipelineConfig } from '../config/pipeline-config';
import { startBatchConsumer } from '../kafka/batch-consumer';
import type { PipelineCounters } from '../metrics/pipeline-counters';
import { runWorker, type RunningWorker } from './ingest';

/**
 * The consumer worker: a Kafka consumer that cuts batches and starts a `writeBatch` workflow for each,
 * plus the Temporal worker that runs those workflows and their Cassandra writes.
 */
export async function startSinkWorker(deps: { config: PipelineConfig; kafka: Kafka; counters: PipelineCounters; log?: (line: string) => void }): Promise<RunningWorker> {
  const { config } = deps;
  const cassandra = createCassandraClient(config.cassandra);
  await cassandra.connect();
  const workerConnection = await NativeConnection.connect({ address: config.temporal.address });
  const worker = await Worker.create({
    connection: workerConnection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.sinkTaskQueue,
    workflowsPath: require.resolve('../workflows'),
    activities: createSinkActivities({ cassandra, keyspace: config.cassandra.keyspace, table: config.cassandra.table, concurrency: config.cassandra.writeConcurrency }),
    maxConcurrentActivityTaskExecutions: Math.max(8, config.kafka.partitions * 2),
  });
  const running = runWorker(worker, async () => {
    await workerConnection.close();
    await cassandra.shutdown();
  });
  const clientConnection = await Connection.connect({ address: config.temporal.address });
  const temporal = new Client({ connection: clientConnection, namespace: config.temporal.namespace });
  const consumer = await startBatchConsumer({ kafka: deps.kafka, temporal, config, counters: deps.counters, log: deps.log });
  return {
    done: running.done,
    async stop() {
      // Drain the Kafka side first: its in-flight batch needs the worker to finish.
      await consumer.stop();
      await clientConnection.close();
      await running.stop();
    },
  };
}
