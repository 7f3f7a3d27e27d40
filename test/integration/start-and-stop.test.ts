import { IsolatedPipeline, waitFor } from '../support/isolated-pipeline';
import { WorkerProcess } from '../support/worker-process';

/** `npm start` as a user meets it: the first slot at once, and a Ctrl-C that prints nothing but its own lines. */
describe('npm start, started and stopped', () => {
  let pipeline: IsolatedPipeline;
  let start: WorkerProcess | undefined;

  beforeAll(async () => {
    // An hour between slots: a row can only come from the slot the start itself runs.
    pipeline = await IsolatedPipeline.create({ SCHEDULE_INTERVAL: '1h' });
  });

  afterAll(async () => {
    await start?.stop(10_000).catch(() => undefined);
    await pipeline?.close();
  });

  it('runs the first slot as soon as the workers are up, through the schedule, and stops on Ctrl-C with nothing on stderr', async () => {
    start = await WorkerProcess.start('npm start', pipeline.workerEnv());
    const rows = await waitFor('the first slot\'s rows', async () => {
      const ids = await pipeline.cassandraIds();
      return ids.length >= 3 && ids;
    }, 60_000, 250);
    expect(rows).toHaveLength(3);
    expect(start.lines).toContain(`schedule ${pipeline.config.schedule.id}: first slot started now; then every 3600 s`);
    // The schedule took it as one of its own actions: it is in the schedule's history.
    const description = await pipeline.schedule().describe();
    expect(description.info.numActionsTaken).toBe(1);
    expect(description.info.recentActions[0]?.action.workflow.workflowId).toMatch(new RegExp(`^${pipeline.config.schedule.id}-`));

    expect(await start.stop(40_000, 'SIGINT')).toBe(0);
    expect(start.stderrLines.filter((line) => line.trim() !== '')).toEqual([]);
    expect(start.lines.at(-1)).toBe('stopped');
  });
});
