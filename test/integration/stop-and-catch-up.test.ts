import { IsolatedPipeline, sleep, waitFor } from '../../src/bench/isolated-pipeline';
import { ownPauseTime, slotsBetween } from '../../src/schedule/catch-up';
import { settle } from '../support/faults';
import { checkInvariant, expectInvariant } from '../support/invariant';
import { WorkerProcess } from '../support/worker-process';

/** Slot times of every ingestSlot workflow of the pipeline, with how each ended. */
async function slotRuns(pipeline: IsolatedPipeline): Promise<Map<string, string[]>> {
  const runs = new Map<string, string[]>();
  for await (const e of pipeline.temporal.workflow.list({ query: `WorkflowType = 'ingestSlot' AND TaskQueue = '${pipeline.config.temporal.ingestTaskQueue}'` })) {
    const time = new Date(e.workflowId.slice(pipeline.config.schedule.id.length + 1)).toISOString();
    runs.set(time, [...(runs.get(time) ?? []), e.status.name]);
  }
  return runs;
}

/**
 * `npm start` owns its schedule: Ctrl-C pauses it, the next start resumes it and runs every slot missed
 * in between; an operator's pause survives a stop and a start.
 */
describe('npm start: stopping leaves no hole', () => {
  let pipeline: IsolatedPipeline;
  const runs: WorkerProcess[] = [];
  const start = async () => {
    const run = await WorkerProcess.start('npm start', { ...pipeline.workerEnv(), SCHEDULE_INTERVAL: '1s', USERS_PER_SLOT: '3' });
    runs.push(run);
    return run;
  };

  beforeAll(async () => {
    pipeline = await IsolatedPipeline.create({ SCHEDULE_INTERVAL: '1s', USERS_PER_SLOT: '3' });
    await pipeline.prepare();
  });

  afterAll(async () => {
    for (const run of runs) await run.stop().catch(() => undefined);
    await pipeline?.close();
  }, 120_000);

  it('runs every slot of a stop on the next start, and leaves an operator\'s pause in place', async () => {
    const first = await start();
    // The harness created the schedule paused, as an operator would: the start left it so.
    expect(first.lines.some((l) => /paused by an operator .*left paused/.test(l))).toBe(true);
    await pipeline.schedule().unpause('started by the test');
    await pipeline.waitForSlots(3, 60_000);
    expect(await first.stop(60_000, 'SIGINT')).toBe(0);
    const stopped = await pipeline.schedule().describe();
    expect(stopped.state.paused).toBe(true);
    const pausedAt = ownPauseTime(stopped.state.note);
    expect(pausedAt).toBeDefined();
    expect(first.lines.some((l) => /SIGINT: schedule .* paused until the next npm start/.test(l))).toBe(true);

    await sleep(10_000); // ten 1-s slots with no pipeline running
    const second = await start();
    await waitFor('the catch-up to finish', async () => second.lines.find((l) => l.startsWith('catch-up done')), 120_000, 200);
    expect(second.lines.join('\n')).toMatch(/resumed; running the (\d+) slot\(s\) missed while stopped/);
    const missed = Number(/running the (\d+) slot\(s\) missed/.exec(second.lines.join('\n'))![1]);
    expect(missed).toBeGreaterThanOrEqual(10);
    expect(second.lines.find((l) => l.startsWith('catch-up done'))).toMatch(new RegExp(`catch-up done: ${missed}/${missed} missed slots completed$`));
    await sleep(2000);

    // An operator pauses; a stop and a start leave that pause and its note alone.
    await pipeline.schedule().pause('operator: reindexing');
    const operatorPausedAt = new Date();
    expect(await second.stop(60_000, 'SIGINT')).toBe(0);
    expect(second.lines.some((l) => /schedule .* left paused \(an operator paused it\)/.test(l))).toBe(true);
    const third = await start();
    expect(third.lines.some((l) => /paused by an operator \(operator: reindexing\): left paused/.test(l))).toBe(true);
    expect((await pipeline.schedule().describe()).state).toMatchObject({ paused: true, note: 'operator: reindexing' });

    const slots = await settle(pipeline);
    const all = await slotRuns(pipeline);
    const times = [...all.keys()].sort();
    // Every slot from the first to the operator's pause ran and completed, the stop's gap included.
    const expected = slotsBetween(new Date(times[0]!), new Date(operatorPausedAt.getTime() - 1000), 1000).map((d) => d.toISOString());
    const notCompleted = expected.filter((t) => !(all.get(t) ?? []).includes('COMPLETED'));
    const timedOut = [...all].filter(([, statuses]) => statuses.includes('TIMED_OUT')).map(([t]) => t);
    expect({ notCompleted, timedOut }).toEqual({ notCompleted: [], timedOut: [] });
    expect(expected.filter((t) => t > pausedAt!.toISOString()).length).toBeGreaterThanOrEqual(10);
    expectInvariant('npm-start-stop-and-catch-up', await checkInvariant(pipeline), { slots, missedWhileStopped: missed, stopSeconds: 10 });
    expect(await third.stop(60_000, 'SIGINT')).toBe(0);
    for (const run of runs) expect(run.crashed).toBe(false);
  });
});
