import type { ScheduleHandle } from '@temporalio/client';
import { desiredSchedule } from '../src/schedule/ensure-schedule';
import { runSlots } from '../src/schedule/run-slots';
import { IsolatedPipeline, sleep, waitFor } from '../test/support/isolated-pipeline';
import { summarize } from './stats';

type Progress = (line: string) => void;

/** How late each slot's workflow started against its slot time, read from Temporal visibility. */
async function slotLateness(pipeline: IsolatedPipeline, scheduleIds: string[]): Promise<{ scheduleId: string; ms: number }[]> {
  const lateness: { scheduleId: string; ms: number }[] = [];
  const query = `TemporalScheduledById IN (${scheduleIds.map((id) => `'${id}'`).join(', ')})`;
  for await (const execution of pipeline.temporal.workflow.list({ query })) {
    const scheduled = execution.searchAttributes?.TemporalScheduledStartTime?.[0];
    const scheduleId = String(execution.searchAttributes?.TemporalScheduledById?.[0]);
    if (scheduled instanceof Date) lateness.push({ scheduleId, ms: execution.startTime.getTime() - scheduled.getTime() });
    else if (typeof scheduled === 'string') lateness.push({ scheduleId, ms: execution.startTime.getTime() - new Date(scheduled).getTime() });
  }
  return lateness;
}

/**
 * `schedule`: start lateness of each slot's workflow at a given interval. With `schedules` > 1, that many
 * schedules of the same interval run side by side, phase-shifted by interval / schedules (the pipeline's
 * own and siblings with the same action), so 60 slots at 10 s take 5 minutes instead of 10.
 */
export async function scheduleBench(options: { intervalMs: number; slots: number; schedules: number; progress: Progress }) {
  const pipeline = await IsolatedPipeline.create({ SCHEDULE_INTERVAL: `${options.intervalMs}ms`, USERS_PER_SLOT: '1' });
  const siblings: ScheduleHandle[] = [];
  try {
    await pipeline.prepare();
    await pipeline.startWorkers();
    const { config } = pipeline;
    for (let k = 1; k < options.schedules; k++) {
      const desired = desiredSchedule({ scheduleId: `${config.schedule.id}-phase-${k}`, intervalMs: options.intervalMs, usersPerSlot: 1, taskQueue: config.temporal.ingestTaskQueue });
      const offset = Math.round((k * options.intervalMs) / options.schedules);
      siblings.push(await pipeline.temporal.schedule.create({ ...desired, spec: { intervals: [{ every: options.intervalMs, offset }] }, state: { paused: true, note: 'schedule bench' } }));
    }
    const handles = [pipeline.schedule(), ...siblings];
    await Promise.all(handles.map((h) => h.unpause('schedule bench')));
    const started = Date.now();
    const taken = async () => (await Promise.all(handles.map(async (h) => (await h.describe()).info.numActionsTaken))).reduce((a, b) => a + b, 0);
    await waitFor(`${options.slots} slots`, async () => {
      const count = await taken();
      options.progress(`  ${count}/${options.slots} slots · ${Math.round((Date.now() - started) / 1000)} s`);
      return count >= options.slots;
    }, (options.slots * options.intervalMs) / options.schedules + 60_000, Math.max(1000, options.intervalMs / options.schedules));
    await Promise.all(handles.map((h) => h.pause('schedule bench done')));
    await waitFor('every slot to finish', async () => (await Promise.all(handles.map(async (h) => (await h.describe()).info.runningActions.length))).every((n) => n === 0), 90_000, 500);
    await sleep(1500); // visibility is eventually consistent
    const lateness = (await slotLateness(pipeline, handles.map((h) => h.scheduleId))).slice(0, options.slots);
    const s = summarize(lateness.map((l) => l.ms));
    const slotsPerSchedule = handles.map((h) => lateness.filter((l) => l.scheduleId === h.scheduleId).length);
    return { bench: 'schedule', intervalMs: options.intervalMs, schedules: options.schedules, slots: s.count, slotsPerSchedule, latenessMs: { p50: s.p50, p95: s.p95, p99: s.p99, max: s.max }, targetP99Ms: 1000, met: s.p99 <= 1000 };
  } finally {
    for (const sibling of siblings) await sibling.delete().catch(() => undefined);
    await pipeline.close();
  }
}

/** The freshness p99 the pipeline aims for at 1-s slots: a row readable within 300 ms of its slot. */
const E2E_TARGET_P99_MS = 300;

/** `e2e`: freshness, from a slot's time to all of its rows being readable in Cassandra. */
export async function e2eBench(options: { intervalMs: number; slots: number; usersPerSlot: number; progress: Progress }) {
  const pipeline = await IsolatedPipeline.create({ SCHEDULE_INTERVAL: `${options.intervalMs}ms`, USERS_PER_SLOT: String(options.usersPerSlot), BATCH_MAX_WAIT: '50ms' });
  try {
    await pipeline.prepare();
    await pipeline.startWorkers();
    const readableAt = new Map<string, number>();
    const table = `${pipeline.config.cassandra.keyspace}.${pipeline.config.cassandra.table}`;
    await pipeline.schedule().unpause('e2e bench');
    const deadline = Date.now() + options.slots * options.intervalMs + 120_000;
    let lastReport = 0;
    // Poll the table (small: slots × users rows) every 50 ms and note when each slot is complete.
    while (readableAt.size < options.slots && Date.now() < deadline) {
      const rows = await pipeline.cassandra.execute(`SELECT slot_time FROM ${table}`, [], { fetchSize: 100_000 });
      const now = Date.now();
      const counts = new Map<string, number>();
      for (const row of rows.rows) {
        const slot = (row.get('slot_time') as Date).toISOString();
        counts.set(slot, (counts.get(slot) ?? 0) + 1);
      }
      for (const [slot, count] of counts) if (count >= options.usersPerSlot && !readableAt.has(slot)) readableAt.set(slot, now);
      if (now - lastReport > 5000) {
        options.progress(`  ${readableAt.size}/${options.slots} slots readable`);
        lastReport = now;
      }
      if (readableAt.size >= options.slots) await pipeline.schedule().pause('e2e bench done');
      await sleep(50);
    }
    await pipeline.schedule().pause('e2e bench done').catch(() => undefined);
    // In slot order, so a slow first slot (cold paths) is told apart from a slow one mid-run.
    const bySlot = [...readableAt].sort(([a], [b]) => a.localeCompare(b)).slice(0, options.slots).map(([slot, at]) => ({ slot, ms: at - new Date(slot).getTime() }));
    const s = summarize(bySlot.map((f) => f.ms));
    const slowest = bySlot.map((f, index) => ({ index, ms: f.ms })).sort((a, b) => b.ms - a.ms).slice(0, 5);
    return { bench: 'e2e', intervalMs: options.intervalMs, usersPerSlot: options.usersPerSlot, slots: s.count, freshnessMs: { p50: s.p50, p95: s.p95, p99: s.p99, max: s.max }, slowest, targetP99Ms: E2E_TARGET_P99_MS, met: s.p99 <= E2E_TARGET_P99_MS };
  } finally {
    await pipeline.close();
  }
}

/**
 * `backfill`: one hour of 10-s slots that never ran, timed until every row is in Cassandra: first as
 * `pipeline schedule backfill` runs it (the slots' workflows started directly), then through the
 * schedule's own backfill (as `temporal schedule backfill`), over the hour before.
 */
export async function backfillBench(options: { slots: number; intervalMs: number; usersPerSlot: number; progress: Progress }) {
  const pipeline = await IsolatedPipeline.create({ SCHEDULE_INTERVAL: `${options.intervalMs}ms`, USERS_PER_SLOT: String(options.usersPerSlot) });
  try {
    await pipeline.prepare();
    await pipeline.startWorkers();
    const expected = options.slots * options.usersPerSlot;
    const countRows = async () => Number((await pipeline.cassandra.execute(`SELECT count(*) AS n FROM ${pipeline.config.cassandra.keyspace}.${pipeline.config.cassandra.table}`)).first().get('n'));
    const timeUntil = async (total: number, begun: number) => {
      await waitFor(`${total} rows`, async () => {
        const rows = await countRows();
        options.progress(`  ${rows}/${total} rows · ${((Date.now() - begun) / 1000).toFixed(1)} s`);
        return rows >= total;
      }, 600_000, 500);
      return Math.round((Date.now() - begun) / 100) / 10;
    };
    const end = new Date(Math.floor(Date.now() / options.intervalMs) * options.intervalMs - 24 * 3_600_000);
    const start = new Date(end.getTime() - (options.slots - 1) * options.intervalMs);
    const slots = Array.from({ length: options.slots }, (_, i) => new Date(start.getTime() + i * options.intervalMs));

    options.progress(`direct (pipeline schedule backfill): ${options.slots} slots`);
    let begun = Date.now();
    await runSlots(pipeline.temporal, { scheduleId: pipeline.config.schedule.id, taskQueue: pipeline.config.temporal.ingestTaskQueue, usersPerSlot: options.usersPerSlot, slots });
    const seconds = await timeUntil(expected, begun);

    options.progress(`via the schedule (temporal schedule backfill): ${options.slots} slots, the hour before`);
    const shift = options.slots * options.intervalMs;
    begun = Date.now();
    await pipeline.schedule().backfill({ start: new Date(start.getTime() - shift - options.intervalMs / 2), end: new Date(end.getTime() - shift + options.intervalMs / 2), overlap: 'ALLOW_ALL' });
    const viaScheduleSeconds = await timeUntil(2 * expected, begun);
    return { bench: 'backfill', slots: options.slots, usersPerSlot: options.usersPerSlot, rows: expected, seconds, viaScheduleSeconds, targetSeconds: 30, met: seconds <= 30 };
  } finally {
    await pipeline.close();
  }
}
