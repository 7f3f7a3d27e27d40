import { IsolatedPipeline, sleep, waitFor } from '../support/isolated-pipeline';
import { ownPauseTime } from '../../src/downtime/catch-up';
import { slotsBetween } from '../../src/schedule/slot-times';
import { slotWorkflowId } from '../../src/schedule/run-slots';
import { settle } from '../support/faults';
import { checkInvariant, expectInvariant } from '../support/invariant';
import type { WorkerProcess } from '../support/worker-process';
import { WorkerFleet } from '../support/worker-fleet';

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
 * in between; an operator's pause survives a stop and a start. The slots' timeout is cut to 8 s (from
 * the 1 h default) and the stop lasts 12 s, so a slot left unfinished by the stop times out meanwhile
 * and must be run again too.
 */
/** Ctrl-C, and its exit code; the process's last lines when it did not exit 0, to see where it hung. */
async function ctrlC(run: WorkerProcess): Promise<{ code: number | null; tail: string[] }> {
  const code = await run.stop(60_000, 'SIGINT');
  return { code, tail: code === 0 ? [] : run.lines.slice(-15) };
}

describe('npm start: stopping leaves no hole', () => {
  let pipeline: IsolatedPipeline;
  const fleet = new WorkerFleet(() => pipeline.workerEnv());
  const start = () => fleet.start('npm start', { SCHEDULE_INTERVAL: '1s', USERS_PER_SLOT: '3', SLOT_TIMEOUT: '8s' });

  beforeAll(async () => {
    pipeline = await IsolatedPipeline.create({ SCHEDULE_INTERVAL: '1s', USERS_PER_SLOT: '3', SLOT_TIMEOUT: '8s' });
    await pipeline.prepare();
  });

  afterAll(async () => {
    await fleet.stopAll();
    await pipeline?.close();
  }, 120_000);

  it('runs every slot of a stop on the next start, and leaves an operator\'s pause in place', async () => {
    const first = await start();
    // The harness created the schedule paused, as an operator would: the start left it so.
    // (The start says so once it has looked, just after its workers run.)
    await waitFor('the start to say it left the pause', async () => first.lines.some((l) => /paused by an operator .*left paused/.test(l)), 30_000, 100);
    await pipeline.schedule().unpause('started by the test');
    await pipeline.waitForSlots(3, 60_000);
    expect(await ctrlC(first)).toEqual({ code: 0, tail: [] });
    const stopped = await pipeline.schedule().describe();
    expect(stopped.state.paused).toBe(true);
    const pausedAt = ownPauseTime(stopped.state.note);
    expect(pausedAt).toBeDefined();
    expect(first.lines.some((l) => /SIGINT: schedule .* paused until the next npm start/.test(l))).toBe(true);

    await sleep(12_000); // twelve 1-s slots with no pipeline running, longer than a slot's timeout
    const second = await start();
    await waitFor('the catch-up to finish', async () => second.lines.find((l) => l.startsWith('catch-up done')), 120_000, 200);
    expect(second.lines.join('\n')).toMatch(/resumed; running the (\d+) slot\(s\) missed while stopped/);
    const missed = Number(/running the (\d+) slot\(s\) missed/.exec(second.lines.join('\n'))![1]);
    expect(missed).toBeGreaterThanOrEqual(12);
    expect(second.lines.find((l) => l.startsWith('catch-up done'))).toMatch(new RegExp(`catch-up done: ${missed}/${missed} missed slots completed$`));
    await sleep(2000);

    // An operator pauses; a stop and a start leave that pause and its note alone.
    await pipeline.schedule().pause('operator: reindexing');
    const operatorPausedAt = new Date();
    expect(await ctrlC(second)).toEqual({ code: 0, tail: [] });
    expect(second.lines.some((l) => /schedule .* left paused \(an operator paused it\)/.test(l))).toBe(true);
    const third = await start();
    await waitFor('the start to say it left the pause', async () => third.lines.some((l) => /paused by an operator \(operator: reindexing\): left paused/.test(l)), 30_000, 100);
    expect((await pipeline.schedule().describe()).state).toMatchObject({ paused: true, note: 'operator: reindexing' });

    const slots = await settle(pipeline);
    const all = await slotRuns(pipeline);
    const times = [...all.keys()].sort();
    // Every slot from the first to the operator's pause ran and completed, the stop's gap included.
    const expected = slotsBetween(new Date(times[0]!), new Date(operatorPausedAt.getTime() - 1000), 1000).map((d) => d.toISOString());
    // How each slot ended: its latest run.
    const ended = new Map<string, string>();
    for (const t of all.keys()) ended.set(t, (await pipeline.temporal.workflow.getHandle(slotWorkflowId(pipeline.config.schedule.id, new Date(t))).describe()).status.name);
    const notCompleted = expected.filter((t) => ended.get(t) !== 'COMPLETED');
    const endedTimedOut = [...ended].filter(([, status]) => status === 'TIMED_OUT').map(([t]) => t);
    const timedOutThenRerun = [...all].filter(([t, statuses]) => statuses.includes('TIMED_OUT') && ended.get(t) === 'COMPLETED').length;
    expect({ notCompleted, endedTimedOut }).toEqual({ notCompleted: [], endedTimedOut: [] });
    expect(expected.filter((t) => t > pausedAt!.toISOString()).length).toBeGreaterThanOrEqual(10);
    expectInvariant('npm-start-stop-and-catch-up', await checkInvariant(pipeline), { slots, missedWhileStopped: missed, stopSeconds: 12, slotTimeoutSeconds: 8, timedOutThenRerun });
    expect(await ctrlC(third)).toEqual({ code: 0, tail: [] });
    for (const run of fleet.processes) expect(run.crashed).toBe(false);
  });
});
