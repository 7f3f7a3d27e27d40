import { startSourceServer } from '../../src/dev/fake-source/server';
import { gatePauseTime } from '../../src/source-health/source-health';
import { IsolatedPipeline, sleep, waitFor } from '../support/isolated-pipeline';
import { unusedPort } from '../support/ports';

/**
 * The source's health gates the schedule: K slots failing in a lasting way pause it with a note naming
 * the cause; the probe resumes it when the source answers and names the slots to backfill; an
 * operator's pause is never lifted by the probe.
 */
describe('source health gate', () => {
  let pipeline: IsolatedPipeline;
  let port: number;
  let source: { close(): Promise<void> } | undefined;

  beforeAll(async () => {
    port = await unusedPort();
    pipeline = await IsolatedPipeline.create({
      SOURCE_URL: `http://127.0.0.1:${port}/api/`,
      SCHEDULE_INTERVAL: '1s',
      USERS_PER_SLOT: '2',
      SOURCE_HEALTH_GATE_SLOTS: '3',
      SOURCE_HEALTH_PROBE_INTERVAL: '1s',
    });
    await pipeline.prepare();
    await pipeline.startWorkers();
  });

  afterAll(async () => {
    await source?.close();
    await pipeline?.close();
  });

  const state = async () => (await pipeline.schedule().describe()).state;

  it('pauses the schedule after 3 failing slots, and resumes it with the missed slots named once the source answers', async () => {
    await pipeline.schedule().unpause('started by the test');
    const paused = await waitFor('the gate to pause the schedule', async () => {
      const s = await state();
      return s.paused && gatePauseTime(s.note) ? s : undefined;
    }, 60_000, 250);
    expect(paused.note).toMatch(/^source unhealthy since \S+: ECONNREFUSED \(connect ECONNREFUSED 127\.0\.0\.1:\d+\); paused by the source health gate/);
    const pausedAt = gatePauseTime(paused.note)!;
    await sleep(3000); // slots missed while paused

    const server = await startSourceServer({ host: '127.0.0.1', port });
    source = server;
    const resumed = await waitFor('the probe to resume the schedule', async () => {
      const s = await state();
      return s.paused ? undefined : s;
    }, 30_000, 250);
    const note = resumed.note ?? '';
    const match = /resumed by the source health gate at (\S+): the source answers again; (\d+) slot\(s\) missed, run them with: pipeline schedule backfill --from (\S+) --to (\S+)$/.exec(note);
    expect(match).not.toBeNull();
    expect(Number(match![2])).toBeGreaterThanOrEqual(3);
    expect(new Date(match![3]!).getTime()).toBeGreaterThan(pausedAt.getTime());
    expect(new Date(match![4]!).getTime()).toBeLessThanOrEqual(new Date(match![1]!).getTime());
    // The slots it names run when backfilled, and the pipeline flows again meanwhile.
    await waitFor('new slots to be written', async () => pipeline.counters.rowsWritten > 0, 60_000, 500);
  });

  it('never lifts an operator\'s pause, even once the source answers', async () => {
    await source!.close();
    source = undefined;
    await waitFor('the gate to pause the schedule again', async () => {
      const s = await state();
      return s.paused && gatePauseTime(s.note) ? s : undefined;
    }, 60_000, 250);
    await pipeline.schedule().pause('operator: source maintenance');
    source = await startSourceServer({ host: '127.0.0.1', port });
    await sleep(5000); // five probes, each answered
    expect(await state()).toMatchObject({ paused: true, note: 'operator: source maintenance' });
  });
});
