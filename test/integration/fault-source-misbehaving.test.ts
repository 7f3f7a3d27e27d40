import { WorkflowFailedError } from '@temporalio/client';
import { IsolatedPipeline } from '../support/isolated-pipeline';
import { uniqueName } from '../support/stack-addresses';
import type { IngestSlotResult } from '../../src/workflows/ingest-slot';
import { retriedActivities } from '../support/faults';
import { startMisbehavingSource, type Misbehaviour } from '../support/misbehaving-source';
import { WorkerProcess } from '../support/worker-process';

describe('fault: the source misbehaving, seen by a slot workflow on an ingest worker process', () => {
  let pipeline: IsolatedPipeline;
  let source: Awaited<ReturnType<typeof startMisbehavingSource>>;
  let worker: WorkerProcess;

  beforeAll(async () => {
    source = await startMisbehavingSource();
    pipeline = await IsolatedPipeline.create({ SOURCE_URL: source.url, SOURCE_TIMEOUT: '1s', SOURCE_MAX_RESPONSE_BYTES: '65536', SOURCE_HEALTH_GATE: 'false' });
    await pipeline.prepare();
    worker = await WorkerProcess.start('ingest', pipeline.workerEnv());
  });

  afterAll(async () => {
    await worker?.stop().catch(() => undefined);
    await pipeline?.close();
    await source?.close();
  }, 120_000);

  const runSlot = (misbehaviour: Misbehaviour) => {
    source.plan.push(misbehaviour);
    const workflowId = uniqueName(`slot-${misbehaviour}`);
    return {
      workflowId,
      result: pipeline.temporal.workflow.execute('ingestSlot', {
        taskQueue: pipeline.config.temporal.ingestTaskQueue,
        workflowId,
        args: [{ scheduleId: 'misbehaving', usersPerSlot: 3, slotTime: new Date().toISOString() }],
      }) as Promise<IngestSlotResult>,
    };
  };

  it.each<[Misbehaviour, RegExp]>([
    ['http-500', /HTTP 500/],
    ['http-429', /HTTP 429/],
    ['reset', /socket|reset|network|closed/i],
    ['never-ends', /time|1000 ?ms|1 ?s/i],
    // A page unusable as a whole is a failure of that request: the next one usually answers properly.
    ['html', /html|JSON/i],
    ['truncated-json', /JSON/],
    ['error-body', /something has gone wrong/],
  ])('%s is retried, and the slot completes with the failure recorded in its history', async (misbehaviour, reason) => {
    const { workflowId, result } = runSlot(misbehaviour);
    expect((await result).published).toBe(3);
    const retries = await retriedActivities(pipeline, workflowId);
    expect(retries).toHaveLength(1);
    expect(retries[0]!.lastFailure).toMatch(reason);
    expect(retries[0]!.lastFailure).not.toContain('\n');
    expect(worker.crashed).toBe(false);
  });

  it('over-cap fails the slot at once (not retried: asking again brings the same size) with one clear reason', async () => {
    const { workflowId, result } = runSlot('over-cap');
    const failure = await result.then(() => undefined, (error: unknown) => error);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    const history = await pipeline.temporal.workflow.getHandle(workflowId).fetchHistory();
    const failed = (history.events ?? []).find((e) => e.activityTaskFailedEventAttributes)?.activityTaskFailedEventAttributes;
    const message = failed?.failure?.message ?? '';
    expect(message).toMatch(/65536|cap|too large/i);
    expect(message).not.toContain('\n');
    expect(failed?.failure?.applicationFailureInfo?.nonRetryable).toBe(true);
    expect(await retriedActivities(pipeline, workflowId)).toEqual([]);
    expect(worker.crashed).toBe(false);
  });

  it('missing-fields rejects each bad user on its own: the slot completes, every user quarantined with its reason', async () => {
    const { result } = runSlot('missing-fields');
    const done = await result;
    expect(done).toMatchObject({ fetched: 3, published: 0, rejected: 3, ids: [] });
    expect(done.rejects).toHaveLength(3);
    expect(worker.crashed).toBe(false);
  });

  it('leaves the ingest worker able to stop cleanly (exit 0) after every misbehaviour', async () => {
    expect(await worker.stop()).toBe(0);
  });
});
