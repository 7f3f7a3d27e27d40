import { IsolatedPipeline, sleep, waitFor } from '../support/isolated-pipeline';
import { settle } from '../support/faults';
import { checkInvariant, expectInvariant } from '../support/invariant';
import { runPipeline } from '../support/run-command';
import { WorkerFleet } from '../support/worker-fleet';

const ABSENT_MS = 150_000;

/**
 * Deployed workers: the schedule stays with the operator and keeps firing while both workers are gone
 * (a deploy, a crash); its slots wait on the task queue and complete once workers return.
 */
describe('deployed workers away for minutes', () => {
  let pipeline: IsolatedPipeline;
  const fleet = new WorkerFleet(() => pipeline.workerEnv());
  const start = (kind: 'ingest' | 'sink') => fleet.start(kind);

  beforeAll(async () => {
    pipeline = await IsolatedPipeline.create({ SCHEDULE_INTERVAL: '2s', USERS_PER_SLOT: '3' });
    await pipeline.prepare();
  });

  afterAll(async () => {
    await fleet.stopAll();
    await pipeline?.close();
  }, 120_000);

  it('lose no slot: the slots that fired meanwhile wait, are shown waiting, and complete when workers return', async () => {
    const [ingest, consumer] = [await start('ingest'), await start('sink')];
    await pipeline.schedule().unpause('started by the test');
    await pipeline.waitForSlots(2, 60_000);
    await Promise.all([ingest.kill9(), consumer.kill9()]);
    const killedAt = Date.now();

    await sleep(ABSENT_MS);
    const status = await runPipeline(['status'], pipeline.commandEnv());
    const waiting = Number(/no ingest worker polling; (\d+) slot\(s\) waiting/.exec(status.stdout)?.[1] ?? 0);
    const json = JSON.parse((await runPipeline(['status', '--json'], pipeline.commandEnv())).stdout) as { slots: { ok: boolean; value: { open: number } } };
    expect(waiting).toBeGreaterThanOrEqual(Math.floor(ABSENT_MS / 2000) - 5);
    expect(json.slots.value.open).toBeGreaterThanOrEqual(waiting);

    await start('ingest');
    await start('sink');
    await waitFor('the waiting slots to run', async () => (await pipeline.temporal.workflow.count(`WorkflowType = 'ingestSlot' AND TaskQueue = '${pipeline.config.temporal.ingestTaskQueue}' AND ExecutionStatus = 'Running'`)).count <= 1, 120_000, 1000);
    const slots = await settle(pipeline);
    const report = await checkInvariant(pipeline);
    expectInvariant('deployed-workers-away', report, { slots, absentSeconds: Math.round((Date.now() - killedAt) / 1000), slotsWaitingSeen: waiting });
    const after = await runPipeline(['status'], pipeline.commandEnv());
    expect(after.stdout).not.toMatch(/timed out or failed/);
  }, 420_000);
});
