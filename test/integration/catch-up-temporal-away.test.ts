import { ownPauseNote } from '../../src/downtime/catch-up';
import { IsolatedPipeline, sleep, waitFor } from '../support/isolated-pipeline';
import { startTcpProxy } from '../support/tcp-proxy';
import { WorkerProcess } from '../support/worker-process';

/**
 * `npm start`'s catch-up loses Temporal half-way (its connection goes through a forwarder the test
 * cuts for 30 s): it retries until Temporal is back, the status line says `catch-up waiting for
 * Temporal` meanwhile, and every missed slot then completes.
 */
describe('npm start: a catch-up that loses Temporal retries until it is back', () => {
  let pipeline: IsolatedPipeline;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let run: WorkerProcess | undefined;

  beforeAll(async () => {
    // A source that answers after 3 s keeps the missed slots running while Temporal goes away.
    pipeline = await IsolatedPipeline.create({ SCHEDULE_INTERVAL: '1s', USERS_PER_SLOT: '3' }, { sourceDelayMs: 3000 });
    await pipeline.prepare();
    const [host, port] = pipeline.config.temporal.address.split(':') as [string, string];
    proxy = await startTcpProxy({ host, port: Number(port) });
  });

  afterAll(async () => {
    await run?.stop(60_000).catch(() => undefined);
    await proxy?.close();
    await pipeline?.close();
  }, 120_000);

  it('shows catch-up waiting for Temporal while it is away, then completes every missed slot', async () => {
    // As a stop of npm start 15 s ago leaves it: paused with its own note.
    await pipeline.schedule().unpause('set up by the test');
    await pipeline.schedule().pause(ownPauseNote(new Date(Date.now() - 15_000)));
    run = await WorkerProcess.spawn('npm start', { ...pipeline.workerEnv(), TEMPORAL_ADDRESS: `127.0.0.1:${proxy.port}` });
    const resumed = await waitFor('the catch-up to start', async () => run!.lines.find((line) => /^schedule \S+ resumed; running the \d+ slot\(s\) missed/.test(line)), 120_000, 50);
    const missed = Number(/running the (\d+) slot/.exec(resumed)![1]);
    await proxy.cut();
    await sleep(30_000);
    await proxy.restore();
    const done = await waitFor('the catch-up to finish', async () => run!.lines.find((line) => line.startsWith('catch-up done')), 120_000, 200);

    expect(run.exit).toBeUndefined();
    expect(missed).toBeGreaterThanOrEqual(10);
    expect(done).toBe(`catch-up done: ${missed}/${missed} missed slots completed`);
    expect(run.lines.some((line) => /^waiting for Temporal at 127\.0\.0\.1:\d+: /.test(line))).toBe(true);
    expect(run.lines.some((line) => line.includes('catch-up waiting for Temporal'))).toBe(true);
    expect(run.lines.some((line) => /^Temporal at 127\.0\.0\.1:\d+ is back \(down \d+s\)$/.test(line))).toBe(true);
    expect(run.lines.some((line) => line.startsWith('catch-up failed'))).toBe(false);
    expect(await run.stop(60_000, 'SIGINT')).toBe(0);
    run = undefined;
  }, 300_000);
});
