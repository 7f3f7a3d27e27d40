import { Worker } from '@temporalio/worker';
import type { Client as CassandraClient } from 'cassandra-driver';
import type { Kafka } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { withHeartbeats } from '../activities/heartbeats';
import { createAuditActivities } from '../activities/audit/audit-range';
import { createSinkActivities } from '../activities/sink/write-rows';
import type { PipelineConfig } from '../config/pipeline-config';
import { readPartitionRange } from '../kafka/read-range';
import type { PipelineCounters } from '../metrics/pipeline-counters';
import { pollConsumerLag } from '../metrics/poll-consumer-lag';
import type { TemporalClients } from '../pipeline/clients';
import { BatchHandoff } from '../sink/batch-handoff';
import { BATCHES_IN_FLIGHT, startBatchConsumer, type BatchConsumerDeps } from '../sink/consume-batches';
import { OutageLog } from '../servers/wait-for-server';
import { waitForTopic } from '../sink/wait-for-topic';
import { raceAbort } from '../concurrency/race-abort';
import { runWorker, workflowCode, type RunningWorker } from './run-worker';

export interface SinkWorkerDeps {
  config: PipelineConfig;
  temporal: TemporalClients;
  kafka: Kafka;
  cassandra: CassandraClient;
  counters: PipelineCounters;
  /** Connects once Kafka answers (PipelineClients.whenKafkaUp). */
  whenKafkaUp?: BatchConsumerDeps['whenKafkaUp'];
  /** The process's outage log of Kafka (PipelineClients.kafkaOutage); one of its own if unset. */
  kafkaOutage?: OutageLog;
  /** Tests only: a fault thrown in the consumers' batch handler (BatchConsumerDeps.injectFault). */
  injectFault?: BatchConsumerDeps['injectFault'];
  log?: (line: string) => void;
}

/**
 * The sink worker: a Kafka consumer that cuts batches and starts a `writeBatch` workflow for each,
 * plus the Temporal workers that run those workflows and their Cassandra writes. It uses the clients
 * it is given and leaves them open when it stops.
 */
export async function startSinkWorker(deps: SinkWorkerDeps): Promise<RunningWorker> {
  const { config, counters } = deps;
  const handoff = new BatchHandoff();
  const activities = withHeartbeats(createSinkActivities({
    cassandra: deps.cassandra,
    settings: config.cassandra,
    handoff,
    readRange: (ref) => readPartitionRange(deps.kafka, ref),
    onReread: () => (counters.batchesReread += 1),
    log: deps.log,
    onWritten: (count, ms) => {
      counters.batchSize.observe(count);
      counters.batchWriteSeconds.observe(ms / 1000);
    },
  }));
  // The shared queue runs batch workflows and the Kafka re-read fallback; this process's own queue
  // runs the writes of the batches whose rows it holds.
  const holderTaskQueue = `${config.temporal.sinkTaskQueue}@${os.hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const activitySlots = Math.max(8, config.kafka.partitions * 2);
  // Every batch this process can hold gets a slot on its own queue at once: a batch whose write waited
  // for a slot past the workflow's 10-s schedule-to-start was written again from Kafka. Cassandra's load
  // is bounded by CASSANDRA_WRITE_CONCURRENCY across all of them, not by the slots.
  const holderSlots = Math.max(activitySlots, config.batch.consumers * config.kafka.partitions * BATCHES_IN_FLIGHT);
  const sharedWorker = await Worker.create({
    connection: deps.temporal.connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.sinkTaskQueue,
    ...workflowCode(config),
    activities: {
      ...activities,
      ...withHeartbeats(createAuditActivities({
        config,
        temporal: deps.temporal.client,
        cassandra: deps.cassandra,
        kafka: deps.kafka,
        onAudited: (summary) => (counters.auditMismatchedSlots = summary.mismatchedSlots),
      })),
    },
    maxConcurrentActivityTaskExecutions: activitySlots,
    // A batch workflow lives for a few workflow tasks; keeping thousands cached only costs memory.
    maxCachedWorkflows: 100,
  });
  const holderWorker = await Worker.create({
    connection: deps.temporal.connection,
    namespace: config.temporal.namespace,
    taskQueue: holderTaskQueue,
    activities,
    maxConcurrentActivityTaskExecutions: holderSlots,
  });
  const holderRunning = runWorker(holderWorker);
  const sharedRunning = runWorker(sharedWorker);
  // Several consumers in the group, each its own fetch loop over its own partitions: one fetches and
  // cuts while the batches of another are being written (kafkajs fetches again only once a fetch's
  // batches are all handled). They share this process's rows, task queue and clients.
  let topicReady: Promise<void> | undefined;
  const consumerDeps: BatchConsumerDeps = {
    kafka: deps.kafka,
    temporal: deps.temporal.client,
    config,
    handoff,
    holderTaskQueue,
    // The consumers start side by side; the first to ask waits for the topic, the others wait with it.
    topicReady: (admin) => (topicReady ??= waitForTopic(admin, config.kafka.topic, deps.log ?? ((line) => console.log(line)))),
    ...(deps.whenKafkaUp ? { whenKafkaUp: deps.whenKafkaUp } : {}),
    ...(deps.injectFault ? { injectFault: deps.injectFault } : {}),
    log: deps.log ?? ((line) => console.log(line)),
    kafkaOutage: deps.kafkaOutage ?? new OutageLog({ name: 'Kafka', address: config.kafka.brokers.join(',') }, deps.log ?? ((line) => console.log(line))),
    events: {
      consumerRestarted: () => (counters.sinkConsumerRestarts += 1),
      deadLettered: (count) => (counters.deadLettered += count),
      batchTarget: (records) => (counters.batchTarget = records),
      batchWritten: (rows, superseded) => {
        counters.rowsWritten += rows;
        counters.versionsSuperseded += superseded;
        counters.batchesWritten += 1;
      },
    },
  };
  // All at once, so the group forms in one join round instead of rebalancing as each one joins.
  const started = await Promise.allSettled(Array.from({ length: config.batch.consumers }, () => startBatchConsumer(consumerDeps)));
  const consumers = started.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  const failure = started.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failure) {
    await Promise.allSettled(consumers.map((consumer) => consumer.stop()));
    await Promise.allSettled([sharedRunning.stop(), holderRunning.stop()]);
    throw failure.reason;
  }
  const stopLagPolling = pollConsumerLag(deps.kafka, config.kafka, counters);
  return {
    // A consumer that keeps crashing ends the process too: alive and consuming nothing is not an option.
    done: Promise.race([Promise.all([sharedRunning.done, holderRunning.done]).then(() => undefined), ...consumers.map((consumer) => consumer.failed)]),
    async stop(abandon?: AbortSignal) {
      await raceAbort(stopLagPolling(), abandon);
      // Drain the Kafka side first: its in-flight batches need the workers to finish.
      await Promise.all(consumers.map((consumer) => consumer.stop(abandon)));
      await Promise.all([sharedRunning.stop(abandon), holderRunning.stop(abandon)]);
    },
    uncommitted: () =>
      consumers.flatMap((consumer) => consumer.uncommitted()).map((b) => `${b.topic} partition ${b.partition} offsets ${b.firstOffset}-${b.lastOffset}`),
  };
}
