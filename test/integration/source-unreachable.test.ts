import { IsolatedPipeline, sleep, waitFor } from '../support/isolated-pipeline';
import { startSourceServer } from '../../src/dev/fake-source/server';
import { recordFigures } from '../support/versions';
import { WorkerProcess } from '../support/worker-process';
import { unusedPort } from '../support/ports';

/** An unreachable source is said plainly and briefly, and so is its return. */
describe('npm start with the source unreachable', () => {
  let pipeline: IsolatedPipeline;
  let run: WorkerProcess | undefined;
  let closeSource: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    pipeline = await IsolatedPipeline.create({ SCHEDULE_INTERVAL: '1s', USERS_PER_SLOT: '3' });
    await pipeline.prepare();
  });

  afterAll(async () => {
    await run?.stop().catch(() => undefined);
    await closeSource?.();
    await pipeline?.close();
  }, 120_000);

  it('prints a bounded number of lines for 30 s of failures, naming the source and the cause, and one when it returns', async () => {
    const port = await unusedPort();
    const url = `http://127.0.0.1:${port}/api/`;
    run = await WorkerProcess.start('npm start', { ...pipeline.workerEnv(), SOURCE_URL: url, SCHEDULE_INTERVAL: '1s', USERS_PER_SLOT: '3' });
    await pipeline.schedule().unpause('started by the test');
    const from = run.lines.length;
    await sleep(30_000);
    const window = run.lines.slice(from);
    recordFigures('source-unreachable', { seconds: 30, lines: window.length, output: window });
    expect(window.length).toBeLessThanOrEqual(10);
    const said = window.join('\n');
    expect(said).toContain(`fetchUsers failing: could not get an answer from random user API at ${url}`);
    expect(said).toMatch(/ECONNREFUSED/);
    expect(said).not.toMatch(/^\s+at /m); // no stack traces

    const server = await startSourceServer({ host: '127.0.0.1', port });
    closeSource = server.close;
    const back = await waitFor('a line saying the source is back', async () => run!.lines.find((l) => /fetchUsers succeeded again after \d+ failed attempt/.test(l)), 60_000, 200);
    expect(back).toMatch(/ECONNREFUSED/); // it says what the failures were
    expect(await run.stop(60_000, 'SIGINT')).toBe(0);
  });
});
