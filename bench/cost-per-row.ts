import type { GcTotals } from '../src/metrics/gc-pauses';

/**
 * Pure: what a row costs in CPU, from the cores each process used over a run and the run's rows per
 * second (µs of CPU per row = cores / rows per second × 10⁶), and the medians of a sitting of runs.
 */

export interface CostPerRow {
  /** The sink workers (`worker-N`) or, for the ceiling, the plain-driver writer (`bench`). */
  writer: number;
  cassandra: number;
  temporal: number;
  kafka: number;
  total: number;
}

const round = (value: number) => Math.round(value * 10) / 10;

/** µs of CPU per row by role, from cores by process name (`worker-N`, `bench`, and the stack's services). */
export function costPerRow(cores: Record<string, number>, rowsPerSecond: number, writer: 'workers' | 'bench'): CostPerRow {
  const perRow = (used: number) => (rowsPerSecond > 0 ? (used / rowsPerSecond) * 1e6 : 0);
  const sum = (match: (name: string) => boolean) => Object.entries(cores).filter(([name]) => match(name)).reduce((total, [, used]) => total + used, 0);
  const writerCores = writer === 'workers' ? sum((name) => /^worker-\d+$/.test(name)) : sum((name) => name === 'bench');
  const cassandra = sum((name) => name.startsWith('cassandra'));
  const temporal = sum((name) => name.startsWith('temporal'));
  const kafka = sum((name) => name.startsWith('kafka'));
  return { writer: round(perRow(writerCores)), cassandra: round(perRow(cassandra)), temporal: round(perRow(temporal)), kafka: round(perRow(kafka)), total: round(perRow(writerCores + cassandra + temporal + kafka)) };
}

/** µs the JavaScript thread was paused by the garbage collector a row: scavenges, and full collections with their steps. */
export interface GcPausePerRow {
  minor: number;
  major: number;
}

/** Seconds paused by kind of collection (the counters of src/metrics/gc-pauses.ts). */
export type GcSeconds = GcTotals['seconds'];

/** Pure: the pauses between two readings of the counters, a row of the `rows` written in between. */
export function gcPausePerRow(before: GcSeconds, after: GcSeconds, rows: number): GcPausePerRow | null {
  if (rows <= 0) return null;
  const perRow = (seconds: number) => round((seconds / rows) * 1e6);
  const full = (s: GcSeconds) => s.major + s.incremental + s.weakcb;
  return { minor: perRow(after.minor - before.minor), major: perRow(full(after) - full(before)) };
}

/** Pure: the collector's pauses of a run, for its progress line ('' when neither was measured). */
export function describeGcPause(gcPause: { pipeline: GcPausePerRow | null; ceiling: GcPausePerRow | null }): string {
  const one = (p: GcPausePerRow | null) => (p ? `${round(p.minor + p.major)} µs (scavenges ${p.minor}, full ${p.major})` : 'not measured');
  if (!gcPause.pipeline && !gcPause.ceiling) return '';
  return `; collector pauses a row: worker ${one(gcPause.pipeline)}, ceiling writer ${one(gcPause.ceiling)}`;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export interface SittingRun {
  pipelineRowsPerSecond: number;
  ceilingRowsPerSecond: number;
  ratio: number;
  peakWorkerRssMb: number;
  cost: { pipeline: CostPerRow; ceiling: CostPerRow };
  /** A bare kafkajs reader's CPU per row, alone and cutting rows (bench/read-floor.ts); null when not measured. */
  readFloor?: { readUsPerRow: number; cutUsPerRow: number } | null;
  /** The garbage collector's pauses a row, in the sink workers and in the ceiling's writer; null when not measured. */
  gcPause?: { pipeline: GcPausePerRow | null; ceiling: GcPausePerRow | null };
}

/** The medians of a sitting: what `npm run bench -- sink --runs N` reports under its runs. */
export function sittingMedians(runs: readonly SittingRun[]) {
  const of = (pick: (run: SittingRun) => number) => round(median(runs.map(pick)));
  return {
    runs: runs.length,
    pipelineRowsPerSecond: Math.round(median(runs.map((r) => r.pipelineRowsPerSecond))),
    ceilingRowsPerSecond: Math.round(median(runs.map((r) => r.ceilingRowsPerSecond))),
    ratio: Math.round(median(runs.map((r) => r.ratio)) * 1000) / 1000,
    /** The highest peak of any run (the target is a ceiling, so the worst run is the one that counts)… */
    peakWorkerRssMb: Math.max(...runs.map((r) => r.peakWorkerRssMb)),
    /** …and the median run's peak. */
    medianPeakWorkerRssMb: round(median(runs.map((r) => r.peakWorkerRssMb))),
    workerMicrosPerRow: of((r) => r.cost.pipeline.writer),
    cassandraMicrosPerRow: of((r) => r.cost.pipeline.cassandra),
    ceilingWriterMicrosPerRow: of((r) => r.cost.ceiling.writer),
    ceilingCassandraMicrosPerRow: of((r) => r.cost.ceiling.cassandra),
    /** What reading with kafkajs costs a row, and reading plus the sink's cut: the floor under the worker's CPU before any write. */
    readerMicrosPerRow: of((r) => r.readFloor?.readUsPerRow ?? Number.NaN),
    readAndCutMicrosPerRow: of((r) => r.readFloor?.cutUsPerRow ?? Number.NaN),
    /** Of the worker's CPU, the time its JavaScript thread was paused by the collector, and the same for the bare writer. */
    workerGcPauseMicrosPerRow: of((r) => (r.gcPause?.pipeline ? r.gcPause.pipeline.minor + r.gcPause.pipeline.major : Number.NaN)),
    ceilingGcPauseMicrosPerRow: of((r) => (r.gcPause?.ceiling ? r.gcPause.ceiling.minor + r.gcPause.ceiling.major : Number.NaN)),
    /** The worker's CPU per row against the bare writer's (the target is at most 2). */
    workerToWriter: Math.round((median(runs.map((r) => r.cost.pipeline.writer)) / median(runs.map((r) => r.cost.ceiling.writer))) * 100) / 100,
  };
}
