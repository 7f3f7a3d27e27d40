import { runSlots } from '../schedule/run-slots';
import { IsolatedPipeline, sleep, waitFor } from './isolated-pipeline';
import { summarize } from './stats';

type Progress = (line: string) => void;

/** How late each slot's workflow started against its slot time, read from Temporal visibility. */
async function slotLateness(pipeline: IsolatedPipeline): Promise<number[]> {
  const lateness: number[] = [];
  const query = `TemporalScheduledById = '${pipeline.config.schedule.id}'`;
  for await (const execution of pipeline.temporal.workflow.list({ query })) {
    const scheduled = execution.searchAttributes?.TemporalScheduledStartTime?.[0];
    if (scheduled instanceof Date) lateness.push(execution.startTime.getTime() - scheduled.getTime());
    else if (typeof scheduled === 'string') lateness.push(execution.startTime.getTime() - new Date(scheduled).getTime());
  }
  return lateness;
}

/** `schedule`: start lateness of each slot's workflow at a given interval. */
export async function scheduleBench(options: { intervalMs: number; slots: number; progress: Progress }) {
  const pipeline = await IsolatedPipeline.create({ SCHEDULE_INTERVAL: `${options.intervalMs}ms`, USERS_PER_SLOT: '1' });
  try {
    await pipeline.prepare();
    await pipeline.startWorkers();
    await pipeline.schedule().unpause('schedule bench');
    const started = Date.now();
    await waitFor(`${options.slots} slots`, async () => {
      const taken = (await pipeline.schedule().describe()).info.numActionsTaken;
      options.progress(`  ${taken}/${options.slots} slots · ${Math.round((Date.now() - started) / 1000)} s`);
      return taken >= options.slots;
    }, options.slots * options.intervalMs + 60_000, Math.max(1000, options.intervalMs));
    await pipeline.schedule().pause('schedule bench done');
    await pipeline.waitForSlots((await pipeline.schedule().describe()).info.numActionsTaken);
    await sleep(1500); // visibility is eventually consistent
    const lateness = (await slotLateness(pipeline)).slice(0, options.slots);
    const s = summarize(lateness);
    return { bench: 'schedule', intervalMs: options.intervalMs, slots: s.count, latenessMs: { p50: s.p50, p95: s.p95, p99: s.p99, max: s.max }, targetP99Ms: 1000, met: s.p99 <= 1000 };
  } finally {
    await pipeline.close();
  }
}

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
    const freshness = [...readableAt].map(([slot, at]) => at - new Date(slot).getTime()).slice(0, options.slots);
    const s = summarize(freshness);
    return { bench: 'e2e', intervalMs: options.intervalMs, usersPerSlot: options.usersPerSlot, slots: s.count, freshnessMs: { p50: s.p50, p95: s.p95, p99: s.p99, max: s.max }, targetP99Ms: 1000, met: s.p99 <= 1000 };
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
