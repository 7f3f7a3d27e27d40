import { sinkBench } from '../../bench/sink-bench';
import { backfillBench, e2eBench, scheduleBench } from '../../bench/slot-benches';

// Keeps the benchmark runnable: tiny sizes, no timing asserted (figures come from `npm run bench`).
describe('bench smoke', () => {
  it('sink: preloads, measures the ceiling, runs a real sink worker process and reports its figures', async () => {
    const lines: string[] = [];
    const result = await sinkBench({ records: 300, workers: 1, batchMaxRecords: 100, progress: (l) => lines.push(l) });
    expect(result).toMatchObject({ bench: 'sink', records: 300, workers: 1, batchMaxRecords: 100 });
    for (const key of ['pipelineRowsPerSecond', 'ceilingRowsPerSecond', 'ratio', 'peakWorkerRssMb'] as const) expect(result[key]).toBeGreaterThan(0);
    expect(result.batches).toBeGreaterThanOrEqual(3);
    expect(result.batchWriteP99Ms).not.toBeNull();
    expect(result.timeline.length).toBeGreaterThan(0);
    expect(lines.some((l) => l.startsWith('ceiling:'))).toBe(true);
    expect(result.ceilingCores).toHaveProperty('cassandra');
    expect(result.pipelineCores).toHaveProperty('worker-1');
    // CPU per row of the sink worker, Cassandra and the bare writer, next to the rates.
    expect(result.cost.pipeline.writer).toBeGreaterThan(0);
    // The bare kafkajs reader read every record, alone and cutting them into rows.
    expect(result.readFloor?.readUsPerRow).toBeGreaterThan(0);
    expect(result.readFloor?.cutUsPerRow).toBeGreaterThan(0);
    expect(lines.some((l) => l.startsWith('bare kafkajs reader:'))).toBe(true);
    // The collector's pauses a row: the ceiling writer's always (its timed runs), the worker's when rows
    // were written between two scrapes (300 rows may all land between the same two).
    expect(result.gcPause.ceiling?.minor).toBeGreaterThanOrEqual(0);
    if (result.gcPause.pipeline) expect(result.gcPause.pipeline.minor + result.gcPause.pipeline.major).toBeGreaterThanOrEqual(0);
    // Cassandra writes 300 rows in a few ms of CPU, under the kernel's 10-ms tick that /proc counts in,
    // and a 300-row ceiling run can end between two CPU samples: either cost may read 0 here.
    for (const cost of [result.cost.pipeline.cassandra, result.cost.ceiling.writer]) expect(Number.isFinite(cost) && cost >= 0).toBe(true);
    expect(result.cost.pipeline.total).toBeGreaterThanOrEqual(result.cost.pipeline.writer + result.cost.pipeline.cassandra - 0.2);
  });

  it('e2e: reports freshness percentiles over the slots it ran', async () => {
    const result = await e2eBench({ intervalMs: 1000, slots: 3, usersPerSlot: 2, progress: () => undefined });
    expect(result).toMatchObject({ bench: 'e2e', slots: 3, usersPerSlot: 2 });
    expect(result.freshnessMs.max).toBeGreaterThanOrEqual(result.freshnessMs.p50);
    expect(result.freshnessMs.p50).toBeGreaterThan(0);
    // The slowest slots are named by their place in the run, the first of them the max.
    expect(result.slowest[0]!.ms).toBe(result.freshnessMs.max);
    for (const slow of result.slowest) expect(slow.index).toBeLessThan(3);
  });

  it('schedule: reports start lateness percentiles over the slots it ran', async () => {
    const result = await scheduleBench({ intervalMs: 1000, slots: 4, schedules: 2, progress: () => undefined });
    expect(result.bench).toBe('schedule');
    expect(result.slots).toBeGreaterThanOrEqual(4);
    // Both phase-shifted schedules ran slots.
    expect(result.slotsPerSchedule).toHaveLength(2);
    for (const count of result.slotsPerSchedule) expect(count).toBeGreaterThan(0);
    expect(result.slotsPerSchedule.reduce((a, b) => a + b, 0)).toBe(result.slots);
    // Each slot is paired with its own scheduled time: a start cannot precede it, and the figures are ordered.
    const { p50, p95, p99, max } = result.latenessMs;
    expect(p50).toBeGreaterThanOrEqual(0);
    expect([p50, p95, p99, max]).toEqual([...[p50, p95, p99, max]].sort((a, b) => a - b));
    expect(result.met).toBe(p99 <= result.targetP99Ms);
  });

  it('backfill: every row of the backfilled slots arrives', async () => {
    const result = await backfillBench({ intervalMs: 10_000, slots: 6, usersPerSlot: 2, progress: () => undefined });
    expect(result).toMatchObject({ bench: 'backfill', slots: 6, rows: 12 });
  });
});
