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
    /** The worker's CPU per row against the bare writer's (the target is at most 2). */
    workerToWriter: Math.round((median(runs.map((r) => r.cost.pipeline.writer)) / median(runs.map((r) => r.cost.ceiling.writer))) * 100) / 100,
  };
}
