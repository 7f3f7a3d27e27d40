import { IsolatedPipeline, sleep, waitFor } from '../support/isolated-pipeline';
import { loadStackSettings } from '../../src/dev/stack/settings';
import { stackStopService, stackUp } from '../../src/dev/stack/stack';
import { checkInvariant, expectInvariant } from '../support/invariant';
import { retriedActivities, settle } from '../support/faults';
import { WorkerProcess } from '../support/worker-process';

/**
 * Each server of the stack killed with SIGKILL in the middle of a run, then started again, with
 * ingest and sink workers as their own processes. None of them may crash; the invariant holds.
 */
describe('fault: a server killed with SIGKILL mid-stream and restarted', () => {
  const settings = loadStackSettings();
  let pipeline: IsolatedPipeline;
  const workers: WorkerProcess[] = [];
  const quiet = () => undefined;

  beforeAll(async () => {
    pipeline = await IsolatedPipeline.create({ SCHEDULE_INTERVAL: '1s', USERS_PER_SLOT: '20', BATCH_MAX_RECORDS: '50', BATCH_MAX_WAIT: '100ms' });
    await pipeline.prepare();
    workers.push(await WorkerProcess.start('ingest', pipeline.workerEnv()), await WorkerProcess.start('sink', pipeline.workerEnv()));
  });

  afterEach(async () => {
    await stackUp(settings, quiet); // never leave the shared stack without a server
    for (const worker of workers) expect({ kind: worker.kind, crashed: worker.crashed, last: worker.crashed ? worker.lines.slice(-5) : [] }).toEqual({ kind: worker.kind, crashed: false, last: [] });
  }, 300_000);

  afterAll(async () => {
    for (const worker of workers) await worker.stop().catch(() => undefined);
    await pipeline?.close();
  }, 300_000);

  /** Runs slots, kills the server, keeps it down, starts it again, then settles and checks the invariant. */
  async function runThrough(service: string, downMs: number) {
    const unpausedAt = Date.now();
    await pipeline.schedule().unpause('started by the test');
    const before = (await pipeline.cassandraIds()).length;
    await waitFor('rows before the crash', async () => (await pipeline.cassandraIds()).length >= before + 40, 60_000, 300);
    const inFlightAtKill = await pipeline.lag(); // on the topic, not yet committed by the consumer
    const rowsAtKill = (await pipeline.cassandraIds()).length;
    await stackStopService(settings, service, { kill: true });
    const killedAt = Date.now();
    await sleep(downMs);
    await stackUp(settings, quiet);
    const downFor = Date.now() - killedAt;
    await sleep(4000);
    const slots = await settle(pipeline);
    return { slots, downForMs: downFor, inFlightAtKill, rowsAtKill, killedAt, unpausedAt };
  }

  it('3. Cassandra: batches wait, visibly retrying in their history, and are written once it is back', async () => {
    const run = await runThrough('cassandra', 12_000);
    const report = await checkInvariant(pipeline);
    expectInvariant('3-cassandra-kill9', report, run);

    let retried: { attempt: number; lastFailure: string } | undefined;
    for await (const execution of pipeline.temporal.workflow.list({ query: `WorkflowType = 'writeBatch' AND TaskQueue = '${pipeline.config.temporal.sinkTaskQueue}'` })) {
      retried = (await retriedActivities(pipeline, execution.workflowId))[0];
      if (retried) break;
    }
    expect(retried?.attempt).toBeGreaterThan(1);
    expect(retried?.lastFailure).not.toBe('');
  });

  it('4. the Kafka broker: publishing and consuming resume, nothing lost or doubled', async () => {
    const run = await runThrough('kafka', 10_000);
    expectInvariant('4-kafka-kill9', await checkInvariant(pipeline), run);
  });

  it('5. the Temporal server (its SQLite file kept): the schedule resumes, the slots it missed run once each', async () => {
    const run = await runThrough('temporal', 10_000);
    expectInvariant('5-temporal-kill9', await checkInvariant(pipeline), run);

    // One workflow per slot time, and no second missing from the slots while the server was down.
    const slotTimes: number[] = [];
    for await (const execution of pipeline.temporal.workflow.list({ query: `WorkflowType = 'ingestSlot' AND TaskQueue = '${pipeline.config.temporal.ingestTaskQueue}'` })) {
      slotTimes.push(Date.parse(execution.workflowId.slice(execution.workflowId.lastIndexOf('-schedule-') + '-schedule-'.length)));
    }
    const thisRun = slotTimes.filter((t) => t >= run.unpausedAt - 1000).sort((a, b) => a - b);
    expect(thisRun.filter((t) => t > run.killedAt && t < run.killedAt + run.downForMs).length).toBeGreaterThanOrEqual(5);
    expect(new Set(slotTimes).size).toBe(slotTimes.length);
    const gaps = thisRun.slice(1).map((t, i) => t - thisRun[i]!).filter((gap) => gap !== 1000);
    expect(gaps).toEqual([]);
  });

  it('leaves both worker processes able to stop cleanly (exit 0) after all three kills', async () => {
    for (const worker of workers.splice(0)) expect({ kind: worker.kind, exit: await worker.stop() }).toEqual({ kind: worker.kind, exit: 0 });
  });
});
