import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PipelineConfig } from '../config/pipeline-config';
import type { OffsetRange, SinkBatch } from '../contracts/sink';
import { writeBatch } from '../workflows/write-batch';
import { createProducer, sendAcknowledged, type PipelineProducer } from '../kafka/client';
import { cutDeadLetter, toDeadLetter } from '../kafka/dead-letter';
import { rejoinOnMembershipLost } from '../kafka/membership-lost';
import { probeBrokers } from '../kafka/probe-brokers';
import { OutageLog } from '../servers/wait-for-server';
import type { BatchHandoff } from './batch-handoff';
import type { BoundRow } from '../cassandra/bound-row';
import { batchWorkflowId } from './batch-id';
import { batchSizeFor } from './batch-size';
import { sinkConsumerOptions } from './consumer-options';
import { cutBatchInSlices } from './cut-batch';
import { waitForTopic } from './wait-for-topic';
import { InOrderCommits } from './in-order-commits';
import { superviseConsumer } from './supervise-consumer';
import { writeTimeFromMetadata, writeTimeMetadata } from './write-time';
import { raceAbort } from '../concurrency/race-abort';

export interface BatchConsumerDeps {
  kafka: Kafka;
  temporal: Client;
  /** Where this process keeps the rows of its batches, and the task queue its activity worker polls. */
  handoff: BatchHandoff;
  holderTaskQueue: string;
  config: PipelineConfig;
  /**
   * The wait for the topic, shared by the consumers of one process so it is said once (sink.ts); each
   * consumer waits on its own if unset.
   */
  topicReady?: (admin: Admin) => Promise<void>;
  /** What the loop reports, for the process's metrics. */
  events?: SinkEvents;
  /** The producer of dead letters, from createProducer (its own by default); the consumer disconnects it. */
  dlqProducer?: PipelineProducer;
  /** Runs the consumer's connect once Kafka answers (PipelineClients.whenKafkaUp); connects at once if unset. */
  whenKafkaUp?: <T>(connect: () => Promise<T>) => Promise<T>;
  /** Where restarts and Kafka's outages are told; console by default. */
  log?: (line: string) => void;
  /** Lines about Kafka being away, shared by the process's consumers. */
  kafkaOutage?: OutageLog;
  /**
   * Tests only: called before each batch is handled; what it throws crashes the consumer as a bug in
   * the handler would (test/integration/sink-consumer-restart.test.ts).
   */
  injectFault?: (batch: { partition: number; firstOffset: string }) => void;
}

export interface SinkEvents {
  deadLettered?(count: number): void;
  /** The largest batch cut from the last fetch (it follows the lag: sink/batch-size.ts). */
  batchTarget?(records: number): void;
  /** A batch is written: its rows, and the older versions of its keys it dropped (they would lose anyway). */
  batchWritten?(rows: number, superseded: number): void;
  /** The consumer was restarted after a crash. */
  consumerRestarted?(): void;
}

/** A batch handed to a workflow whose offsets are not committed. */
export type UncommittedBatch = OffsetRange;

export interface RunningBatchConsumer {
  consumer: Consumer;
  /** Rejects when the consumer crashed more often than SINK_CONSUMER_RESTART_LIMIT allows. */
  failed: Promise<never>;
  /**
   * Takes no new batch, finishes the batches in flight, commits their offsets, waits for their
   * workflows to complete and disconnects. When `abandon` is aborted first, stops waiting for them and
   * leaves them uncommitted (`uncommitted()`): whoever takes their partitions re-reads them, and the
   * batch identity makes that safe.
   */
  stop(abandon?: AbortSignal): Promise<void>;
  /** The batches a stop left uncommitted. */
  uncommitted(): UncommittedBatch[];
}

/** A wait for a batch's workflow given up because the process is stopping. */
class BatchAbandoned extends Error {
  override name = 'BatchAbandoned';
}

/** Batches of one partition written at once: hides the Temporal round trips of each behind the others. */
export const BATCHES_IN_FLIGHT = 3;

/**
 * Consumes the topic in the consumer group and hands each batch to a `writeBatch` workflow.
 * Offsets are committed only after the rows are written (at-least-once): as soon as this process's
 * own activity has written them, else when the workflow reports it; the upsert by id makes redelivery
 * harmless. A partition has up to BATCHES_IN_FLIGHT batches being written at once, committed in order;
 * while they wait (e.g. Cassandra is down) the partition is not fetched further, so memory stays
 * bounded.
 *
 * Every row is written at its write time (sink/write-time.ts), which grows with the offset in a
 * partition, so concurrent and repeated writes cannot put an older version of a key over a newer one.
 * Each commit carries the write time reached in its metadata; a partition picked up (at start, after a
 * rebalance or a failed batch) continues from the committed one.
 */
export async function startBatchConsumer(deps: BatchConsumerDeps): Promise<RunningBatchConsumer> {
  const { config, kafka } = deps;
  const consumer = kafka.consumer(sinkConsumerOptions(config));
  const dlqProducer: PipelineProducer = deps.dlqProducer ?? createProducer(kafka);
  const admin = kafka.admin();
  const whenKafkaUp = deps.whenKafkaUp ?? (<T>(connect: () => Promise<T>) => connect());
  await whenKafkaUp(() => Promise.all([consumer.connect(), dlqProducer.connect(), admin.connect()]));
  const log = deps.log ?? ((line: string) => console.log(line));
  const abandoning = new AbortController();
  const left: UncommittedBatch[] = [];
  // Workflows of batches committed on this process's own write, still completing in Temporal: a stop waits for them.
  const completing = new Set<Promise<unknown>>();
  // Per partition: the offset this process expects next, and the write time reached before it.
  const clocks = new Map<number, { nextOffset: string; writeTime: number }>();
  const writeTimeBefore = async (partition: number, firstOffset: string): Promise<number> => {
    const clock = clocks.get(partition);
    if (clock && clock.nextOffset === firstOffset) return clock.writeTime;
    const [committed] = await admin.fetchOffsets({ groupId: config.kafka.consumerGroup, topics: [config.kafka.topic] });
    return writeTimeFromMetadata(committed?.partitions.find((p) => p.partition === partition)?.metadata);
  };
  // A line for the first join, the start of its work, and for a later one that gives this consumer
  // other partitions to read; a rejoin that kept its partitions or left it none (a server came back,
  // another consumer restarted) says nothing.
  let said: string | undefined;
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    const partitions = payload.memberAssignment[config.kafka.topic] ?? [];
    const assignment = [...partitions].sort((a, b) => a - b).join(',');
    if (said !== undefined && (assignment === said || assignment === '')) return;
    said = assignment;
    log(`sink consumer joined ${payload.groupId}: partitions ${partitions.length > 0 ? [...partitions].sort((a, b) => a - b).join(',') : 'none'} of ${config.kafka.topic}`);
  });
  await (deps.topicReady ? deps.topicReady(admin) : waitForTopic(admin, config.kafka.topic, log));
  await consumer.subscribe({ topic: config.kafka.topic, fromBeginning: true });

  const runConfig: Parameters<Consumer['run']>[0] = {
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: config.kafka.partitions,
    eachBatch: async (payload) => {
      try {
        const first = payload.batch.messages[0];
        if (first) deps.injectFault?.({ partition: payload.batch.partition, firstOffset: first.offset });
        await consumeBatch(payload);
      } catch (error) {
        throw rejoinOnMembershipLost(error);
      }
    },
  };
  const supervision = superviseConsumer(consumer, {
    limit: config.sink.consumerRestartLimit,
    kafka: deps.kafkaOutage ?? new OutageLog({ name: 'Kafka', address: config.kafka.brokers.join(',') }, log),
    log,
    onRestart: () => deps.events?.consumerRestarted?.(),
    restart: async () => {
      await probeBrokers(config.kafka);
      await consumer.connect();
      await consumer.run(runConfig);
    },
  });
  await consumer.run(runConfig);

  async function consumeBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const cuts: UncommittedBatch[] = [];
    let committedThrough = -1n;
    const inFlight = new InOrderCommits<{ lastOffset: string; writeTimeAfter: number }>(BATCHES_IN_FLIGHT, async ({ lastOffset, writeTimeAfter }) => {
      committedThrough = BigInt(lastOffset);
      resolveOffset(lastOffset);
      const offset = (BigInt(lastOffset) + 1n).toString();
      await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset, metadata: writeTimeMetadata(writeTimeAfter) }]);
      await heartbeat();
    });
    if (batch.messages.length === 0) return;
    let writeTime = await writeTimeBefore(batch.partition, batch.messages[0]!.offset);
    clocks.delete(batch.partition); // set again only once every batch cut here is committed
    try {
      const backlog = batch.messages.length + Math.max(0, Number(batch.offsetLag()));
      const size = batchSizeFor(backlog, config.batch);
      deps.events?.batchTarget?.(size);
      for (let start = 0; start < batch.messages.length; start += size) {
        if (!isRunning() || isStale()) break;
        const chunk = batch.messages.slice(start, start + size);
        const firstOffset = chunk[0]!.offset;
        const lastOffset = chunk[chunk.length - 1]!.offset;
        const now = new Date();
        const cut = await cutBatchInSlices(chunk, batch.partition, writeTime, now);
        const range = { topic: batch.topic, partition: batch.partition, firstOffset, lastOffset, digest: cut.digest, writeTimeBefore: writeTime };
        writeTime = cut.writeTimeAfter;
        cuts.push({ topic: batch.topic, partition: batch.partition, firstOffset, lastOffset });
        if (cut.dead.length > 0) {
          // Acknowledged for every letter, or the batch fails uncommitted and its letters go again. A
          // letter too large for the dead-letter topic is kept cut, so it cannot hold up the records after it.
          await sendAcknowledged(dlqProducer, {
            topic: config.kafka.dlqTopic,
            acks: -1,
            messages: cut.dead.map(({ message, reason }) =>
              toDeadLetter(message, { topic: batch.topic, partition: batch.partition, offset: message.offset, timestamp: message.timestamp, reason, failedAt: now }),
            ),
          }, { shrink: (letter) => cutDeadLetter(letter) });
          deps.events?.deadLettered?.(cut.dead.length);
        }
        const { rows } = cut;
        const written = rows.length === 0
          ? Promise.resolve()
          : writeThroughTemporal(deps, range, rows, heartbeat, abandoning.signal, completing).then(() => deps.events?.batchWritten?.(rows.length, cut.versions - rows.length));
        await inFlight.add({ lastOffset, writeTimeAfter: cut.writeTimeAfter }, written);
      }
      if (!isRunning() || isStale()) return; // the partition moved: the next owner re-reads from the last commit
      await inFlight.drain();
      const last = batch.messages[batch.messages.length - 1]!.offset;
      clocks.set(batch.partition, { nextOffset: (BigInt(last) + 1n).toString(), writeTime });
    } finally {
      // Never leave a batch's workflow unattended when the partition is given up or a batch failed.
      await inFlight.settle();
      if (abandoning.signal.aborted) left.push(...cuts.filter((cut) => BigInt(cut.lastOffset) > committedThrough));
    }
  }

  return {
    consumer,
    failed: supervision.failed,
    async stop(abandon?: AbortSignal) {
      supervision.stop();
      // kafkajs's stop waits for the batches being handled; once they are abandoned, give it a moment.
      const stopped = consumer
        .stop()
        .then(() => Promise.all([...completing]))
        .then(() => Promise.all([consumer.disconnect(), dlqProducer.disconnect(), admin.disconnect()]))
        .then(() => 'stopped' as const);
      if ((await raceAbort(stopped, abandon)) === 'stopped') return;
      abandoning.abort(new BatchAbandoned('the process is stopping'));
      await Promise.race([stopped, sleep(2000)]);
    },
    uncommitted: () => [...left],
  };
}

/**
 * Starts (or attaches to) the batch's workflow and waits until its rows are written, heartbeating to
 * keep the group membership. When this process's own activity writes them, that is known here at once
 * (BatchHandoff), and the batch's offsets need not wait for the workflow's completion to come back
 * through Temporal; otherwise (the workflow ran before, or its write went to another process) the
 * workflow's result says so.
 */
async function writeThroughTemporal(
  deps: BatchConsumerDeps,
  range: Pick<SinkBatch, 'topic' | 'partition' | 'firstOffset' | 'lastOffset' | 'digest' | 'writeTimeBefore'> & { digest: string },
  rows: BoundRow[],
  heartbeat: () => Promise<void>,
  abandon: AbortSignal,
  completing: Set<Promise<unknown>>,
): Promise<void> {
  const workflowId = batchWorkflowId(range);
  const batch: SinkBatch = { ...range, batchId: workflowId, rowCount: rows.length, holderTaskQueue: deps.holderTaskQueue };
  const writtenHere = deps.handoff.put(workflowId, rows);
  try {
    await runBatchWorkflow(deps, workflowId, batch, writtenHere, heartbeat, abandon, completing);
  } finally {
    deps.handoff.release(workflowId);
  }
}

async function runBatchWorkflow(deps: BatchConsumerDeps, workflowId: string, batch: SinkBatch, writtenHere: Promise<void>, heartbeat: () => Promise<void>, abandon: AbortSignal, completing: Set<Promise<unknown>>): Promise<void> {
  let handle;
  try {
    handle = await deps.temporal.workflow.start(writeBatch, {
      taskQueue: deps.config.temporal.sinkTaskQueue,
      workflowId,
      args: [batch],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
    });
  } catch (error) {
    // The same offsets were written before (a redelivery after a crash before commit): reuse that run.
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    handle = deps.temporal.workflow.getHandle<typeof writeBatch>(workflowId);
  }
  const result = handle.result();
  // What ended the wait first: this process's own write of the rows, or the workflow's result.
  let ended: 'written here' | 'result' | undefined;
  writtenHere.then(() => (ended ??= 'written here'));
  result.then(() => (ended ??= 'result'), () => (ended ??= 'result'));
  while (ended === undefined) {
    // A stopping process gives up the wait (its workflow goes on; the next owner of the partition attaches to it).
    if (abandon.aborted) throw abandon.reason;
    await Promise.race([result.catch(() => undefined), writtenHere, sleep(2000, undefined, { signal: abandon }).catch(() => undefined)]);
    if (ended === undefined && !abandon.aborted) await heartbeat();
  }
  // Written by this process's activity: the workflow completes on its own, and a stop waits for that.
  if (ended === 'written here') {
    const completed = result.catch(() => undefined);
    completing.add(completed);
    void completed.finally(() => completing.delete(completed));
    return;
  }
  await result;
}
