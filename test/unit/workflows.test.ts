import { ApplicationFailure } from '@temporalio/activity';
import { WorkflowFailedError } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import type { FetchUsersInput, PublishUsersInput } from '../../src/contracts/ingest';
import { ROWS_NOT_HELD, type BatchRef, type SinkBatch } from '../../src/contracts/sink';
import { provisionTemporalBinary } from '../../src/dev/stack/services/temporal-binary';
import { loadStackSettings } from '../../src/dev/stack/settings';
import type { UserRecord } from '../../src/record/user-record';
import { ingestSlot, PAGE_SIZE } from '../../src/workflows/ingest-slot';
import { writeBatch } from '../../src/workflows/write-batch';

/**
 * The workflows' own logic, against a Temporal dev server this file starts (no stack needed) and
 * activities of the test's making. The SDK's time-skipping server is a separate download not served
 * here, so the local environment runs on the same `temporal` binary the stack uses; the timeout case
 * takes real seconds.
 */
let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  const binary = await provisionTemporalBinary(loadStackSettings(), () => undefined);
  [env, bundle] = await Promise.all([
    TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'existing-path', path: binary.path } } }),
    bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows'), logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } }),
  ]);
}, 120_000);

afterAll(async () => {
  await env?.teardown();
});

async function withWorker<R>(activities: object, run: (taskQueue: string) => Promise<R>, extraQueues: { taskQueue: string; activities: object }[] = []): Promise<R> {
  const taskQueue = `wf-${randomUUID()}`;
  const workers = await Promise.all([
    Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: bundle, activities }),
    ...extraQueues.map((q) => Worker.create({ connection: env.nativeConnection, taskQueue: q.taskQueue, activities: q.activities })),
  ]);
  const result = run(taskQueue);
  await Promise.all(workers.map((w) => w.runUntil(result)));
  return result;
}

const user = (seed: string, page: number, i: number) => ({ id: `${seed}-${page}-${i}` }) as unknown as UserRecord;

describe('ingestSlot', () => {
  /** A source that serves `available` users in all, page by page, and records every call. */
  function slotActivities(available: number) {
    const fetches: FetchUsersInput[] = [];
    const publishes: { count: number; lastPage: boolean; slotTime: string }[] = [];
    return {
      fetches,
      publishes,
      activities: {
        async fetchUsers(input: FetchUsersInput) {
          fetches.push(input);
          const start = (input.page - 1) * input.pageSize;
          const served = Math.max(0, Math.min(input.pageSize, available - start));
          return Array.from({ length: Math.min(served, input.take) }, (_, i) => user(input.seed, input.page, i));
        },
        async publishUsers(input: PublishUsersInput) {
          publishes.push({ count: input.records.length, lastPage: input.lastPage, slotTime: input.slot.slotTime });
          return input.records.length;
        },
      },
    };
  }

  it('fetches a big slot page by page, takes only what the slot needs from the last page, and flags it', async () => {
    const source = slotActivities(10_000);
    const usersPerSlot = 2 * PAGE_SIZE + 345;
    const result = await withWorker(source.activities, (taskQueue) =>
      env.client.workflow.execute(ingestSlot, { taskQueue, workflowId: `slot-${randomUUID()}`, args: [{ scheduleId: 's', usersPerSlot, slotTime: '2026-12-01T00:00:10Z' }] }),
    );
    expect(result).toMatchObject({ slotTime: '2026-12-01T00:00:10.000Z', seed: 's@2026-12-01T00:00:10.000Z', fetched: usersPerSlot, published: usersPerSlot });
    // The ids it fetched, in order, every page included: what the audit reconciles.
    expect(result.ids).toHaveLength(usersPerSlot);
    expect(new Set(result.ids).size).toBe(usersPerSlot);
    expect([result.ids![0], result.ids![PAGE_SIZE], result.ids!.at(-1)]).toEqual(['s@2026-12-01T00:00:10.000Z-1-0', 's@2026-12-01T00:00:10.000Z-2-0', 's@2026-12-01T00:00:10.000Z-3-344']);
    expect(source.fetches.map((f) => [f.page, f.pageSize, f.take])).toEqual([[1, PAGE_SIZE, PAGE_SIZE], [2, PAGE_SIZE, PAGE_SIZE], [3, PAGE_SIZE, 345]]);
    expect(new Set(source.fetches.map((f) => f.seed))).toEqual(new Set(['s@2026-12-01T00:00:10.000Z']));
    expect(source.publishes.map((p) => [p.count, p.lastPage])).toEqual([[PAGE_SIZE, false], [PAGE_SIZE, false], [345, true]]);
  });

  it('stops at a short page when the source has fewer users than the slot asks for, and says so in its result', async () => {
    const source = slotActivities(1_500);
    const result = await withWorker(source.activities, (taskQueue) =>
      env.client.workflow.execute(ingestSlot, { taskQueue, workflowId: `slot-${randomUUID()}`, args: [{ scheduleId: 's', usersPerSlot: 3_000, slotTime: '2026-12-01T00:00:20Z' }] }),
    );
    expect(result).toMatchObject({ fetched: 1_500, published: 1_500 });
    expect(source.fetches.map((f) => f.page)).toEqual([1, 2]);
    expect(source.publishes.map((p) => [p.count, p.lastPage])).toEqual([[PAGE_SIZE, false], [500, true]]);
  });

  /** The same source, whose pages come in parts of at most `partSize` users (their users too large for one). */
  function partedActivities(available: number, partSize: number) {
    const source = slotActivities(available);
    const fetchWhole = source.activities.fetchUsers;
    const fetchUsers = async (input: FetchUsersInput) => {
      const whole = await fetchWhole(input);
      const from = input.from ?? 0;
      const end = Math.min(whole.length, from + partSize);
      return { records: whole.slice(from, end), rejects: [], ...(end < whole.length ? { next: end } : {}) };
    };
    return { ...source, activities: { ...source.activities, fetchUsers } };
  }

  it('fetches a page that comes in parts part by part, publishes each, and flags only the last part of the slot', async () => {
    const source = partedActivities(10_000, 400);
    const usersPerSlot = PAGE_SIZE + 250;
    const result = await withWorker(source.activities, (taskQueue) =>
      env.client.workflow.execute(ingestSlot, { taskQueue, workflowId: `slot-${randomUUID()}`, args: [{ scheduleId: 's', usersPerSlot, slotTime: '2026-12-01T00:00:40Z' }] }),
    );
    expect(result).toMatchObject({ fetched: usersPerSlot, published: usersPerSlot });
    expect(result.ids).toEqual([...Array.from({ length: PAGE_SIZE }, (_, i) => `s@2026-12-01T00:00:40.000Z-1-${i}`), ...Array.from({ length: 250 }, (_, i) => `s@2026-12-01T00:00:40.000Z-2-${i}`)]);
    expect(source.fetches.map((f) => [f.page, f.from ?? 0, f.take])).toEqual([[1, 0, PAGE_SIZE], [1, 400, PAGE_SIZE], [1, 800, PAGE_SIZE], [2, 0, 250]]);
    expect(source.publishes.map((p) => [p.count, p.lastPage])).toEqual([[400, false], [400, false], [200, false], [250, true]]);
  });

  it('ends at a short page that comes in parts, flagging its last part', async () => {
    const source = partedActivities(900, 400);
    const result = await withWorker(source.activities, (taskQueue) =>
      env.client.workflow.execute(ingestSlot, { taskQueue, workflowId: `slot-${randomUUID()}`, args: [{ scheduleId: 's', usersPerSlot: 3_000, slotTime: '2026-12-01T00:00:50Z' }] }),
    );
    expect(result).toMatchObject({ fetched: 900, published: 900 });
    expect(source.fetches.map((f) => [f.page, f.from ?? 0])).toEqual([[1, 0], [1, 400], [1, 800]]);
    expect(source.publishes.map((p) => [p.count, p.lastPage])).toEqual([[400, false], [400, false], [100, true]]);
  });

  it('asks for pages no bigger than the slot', async () => {
    const source = slotActivities(100);
    await withWorker(source.activities, (taskQueue) =>
      env.client.workflow.execute(ingestSlot, { taskQueue, workflowId: `slot-${randomUUID()}`, args: [{ scheduleId: 's', usersPerSlot: 7, slotTime: '2026-12-01T00:00:30Z' }] }),
    );
    expect(source.fetches.map((f) => [f.page, f.pageSize, f.take])).toEqual([[1, 7, 7]]);
  });

  it('fails at once, without calling the source, on a slot time that is not a timestamp', async () => {
    const source = slotActivities(100);
    const run = withWorker(source.activities, (taskQueue) =>
      env.client.workflow.execute(ingestSlot, { taskQueue, workflowId: `slot-${randomUUID()}`, args: [{ scheduleId: 's', usersPerSlot: 1, slotTime: 'yesterday' }] }),
    );
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect(((error as WorkflowFailedError).cause as ApplicationFailure).type).toBe('InvalidSlotTime');
    expect(source.fetches).toEqual([]);
  });
});

describe('writeBatch', () => {
  const batch = (holderTaskQueue: string): SinkBatch => ({
    batchId: `batch-${randomUUID()}`,
    topic: 't',
    partition: 2,
    firstOffset: '10',
    lastOffset: '19',
    digest: 'abc',
    writeTimeBefore: 5,
    rowCount: 10,
    holderTaskQueue,
  });

  /** The two write activities, each recording the references it was given; the holder's may fail first. */
  function sinkActivities(holder: { failWith?: () => Error; failTimes?: number } = {}) {
    const calls = { holder: [] as BatchRef[], kafka: [] as BatchRef[] };
    let failures = 0;
    return {
      calls,
      holderActivities: {
        async writeRows(ref: BatchRef) {
          calls.holder.push(ref);
          if (holder.failWith && failures < (holder.failTimes ?? Infinity)) {
            failures++;
            throw holder.failWith();
          }
          return 10;
        },
      },
      sharedActivities: {
        async writeRowsFromKafka(ref: BatchRef) {
          calls.kafka.push(ref);
          return 9;
        },
      },
    };
  }

  it('writes through the holder when it answers, passing the reference (not rows), and never reads Kafka', async () => {
    const sink = sinkActivities();
    const holderQueue = `holder-${randomUUID()}`;
    const input = batch(holderQueue);
    const result = await withWorker(sink.sharedActivities, (taskQueue) => env.client.workflow.execute(writeBatch, { taskQueue, workflowId: input.batchId, args: [input] }), [{ taskQueue: holderQueue, activities: sink.holderActivities }]);
    expect(result).toEqual({ written: 10, topic: 't', partition: 2, firstOffset: '10', lastOffset: '19' });
    expect(sink.calls.holder).toEqual([{ batchId: input.batchId, topic: 't', partition: 2, firstOffset: '10', lastOffset: '19', digest: 'abc', writeTimeBefore: 5 }]);
    expect(sink.calls.kafka).toEqual([]);
  });

  it('falls back to re-reading Kafka when the holder says it no longer holds the rows', async () => {
    const sink = sinkActivities({ failWith: () => ApplicationFailure.nonRetryable('not held', ROWS_NOT_HELD) });
    const holderQueue = `holder-${randomUUID()}`;
    const input = batch(holderQueue);
    const result = await withWorker(sink.sharedActivities, (taskQueue) => env.client.workflow.execute(writeBatch, { taskQueue, workflowId: input.batchId, args: [input] }), [{ taskQueue: holderQueue, activities: sink.holderActivities }]);
    expect(result.written).toBe(9);
    expect(sink.calls.holder).toHaveLength(1);
    expect(sink.calls.kafka).toEqual(sink.calls.holder);
  });

  it('retries a holder that fails for another reason instead of falling back', async () => {
    const sink = sinkActivities({ failWith: () => new Error('Cassandra timed out'), failTimes: 2 });
    const holderQueue = `holder-${randomUUID()}`;
    const input = batch(holderQueue);
    const result = await withWorker(sink.sharedActivities, (taskQueue) => env.client.workflow.execute(writeBatch, { taskQueue, workflowId: input.batchId, args: [input] }), [{ taskQueue: holderQueue, activities: sink.holderActivities }]);
    expect(result.written).toBe(10);
    expect(sink.calls.holder).toHaveLength(3);
    expect(sink.calls.kafka).toEqual([]);
  });

  it('falls back to re-reading Kafka when no holder picks the write up within 10 s (its process is gone)', async () => {
    const sink = sinkActivities();
    const input = batch(`gone-${randomUUID()}`); // nobody polls this queue
    const started = Date.now();
    const result = await withWorker(sink.sharedActivities, (taskQueue) => env.client.workflow.execute(writeBatch, { taskQueue, workflowId: input.batchId, args: [input] }));
    expect(result.written).toBe(9);
    expect(sink.calls.kafka).toHaveLength(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(10_000);
  }, 60_000);
});
