import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import path from 'node:path';
import { concurrent } from 'cassandra-driver';
import { WRITE_PROFILE } from '../src/cassandra/client';
import { writeInReplicaBatches } from '../src/cassandra/replica-batches';
import { upsertStatement } from '../src/cassandra/upsert-statement';
import { boundValues, toBoundRow, type BoundRow } from '../src/cassandra/bound-row';
import { cqlStatements, CQL_DIR } from '../src/cassandra/apply-schema';
import { createProducer } from '../src/kafka/client';
import { toUserRecord, type UserRecord } from '../src/record/user-record';
import { generateUsers } from '../src/dev/fake-source/generator';
import { compiledEntry } from '../test/support/compiled';
import { IsolatedPipeline, sleep, waitFor } from '../test/support/isolated-pipeline';
import { profiled } from './cpu-profile';
import { sampleCpu, sampleRss, sampleThreadCpu, waitForQuiet } from './process-sampler';
import { readRecord } from '../src/dev/stack/processes';
import { loadStackSettings, type StackSettings } from '../src/dev/stack/settings';
import { stackDown, stackServices, stackUp } from '../src/dev/stack/stack';
import { clusterPipeline, clusterStackSettings } from '../test/support/cluster-stack';
import { createWorkerHosts, removeTestNetwork, type WorkerHost } from '../test/support/worker-hosts';
import { histogramQuantile, metricValue } from './prometheus-text';
import { costPerRow, gcPausePerRow, type CostPerRow, type GcPausePerRow, type GcSeconds } from './cost-per-row';
import { GC_KINDS, observeGcPauses } from '../src/metrics/gc-pauses';
import { measureReadFloor, type ReadFloor } from './read-floor';
import { runsWithoutLost } from './lost-runs';

export interface SinkBenchOptions {
  records: number;
  workers: number;
  /** Timed runs of each ceiling (default 3); 0 skips the ceilings, for tuning the pipeline alone. */
  ceilingRuns?: number;
  /** BATCH_MAX_RECORDS of the sink workers (unset: the pipeline's default). */
  batchMaxRecords?: number;
  /** Write a V8 CPU profile of each worker process into this folder. */
  cpuProfileDir?: string;
  /** V8 old-space cap of each worker process (`--max-old-space-size`), as a deployment would set it. */
  workerHeapMb?: number;
  /** V8 young-generation semi-space of each worker process (`--max-semi-space-size`), in MB. */
  workerSemiSpaceMb?: number;
  /** CASSANDRA_WRITE_BATCH_ROWS of the sink workers (unset: the pipeline's default). */
  writeBatchRows?: number;
  /**
   * The cluster: each sink worker on a host of its own (a network namespace), against a stack of its
   * own with a three-node Cassandra ring at replication factor 3 (test/support/cluster-stack.ts).
   */
  hosts?: boolean;
  progress: (line: string) => void;
}

export interface SinkBenchResult {
  bench: 'sink';
  records: number;
  workers: number;
  /** The cluster run: workers on hosts of their own, a three-node ring at RF 3 (`--hosts`). */
  hosts: boolean;
  partitions: number;
  batchMaxRecords: number;
  pipelineRowsPerSecond: number;
  pipelineSeconds: number;
  /** The best plain writer: the higher of the single-row and the batched ceiling. The ratio is against it. */
  ceilingRowsPerSecond: number;
  /** Single-row prepared, token-aware writes: each timed run; that ceiling is their median. */
  ceilingRunsRowsPerSecond: number[];
  ceilingConcurrency: number;
  singleRowCeilingRowsPerSecond: number;
  /** Unlogged batches grouped by replica set, tuned on a sample: each timed run, and their median. */
  batchedCeilingRunsRowsPerSecond: number[];
  batchedCeilingRowsPerSecond: number;
  batchedCeiling: { rowsPerBatch: number; batchesInFlight: number };
  writeBatchRows: number;
  ratio: number;
  /** Rows/s from the scrape that first saw 10 % of the rows written to the one that saw 90 % (start-up and tail left out). */
  pipelineFlowingRowsPerSecond: number;
  flowingRatio: number;
  batchWriteP50Ms: number | null;
  batchWriteP99Ms: number | null;
  /** Batches written, by all the workers together. */
  batches: number;
  /** Batches the workers wrote from a re-read of Kafka (the fallback): their rows were written twice. */
  batchesReread: number;
  peakWorkerRssMb: number;
  /** Cores each process used during the median ceiling run (`bench` is the plain-driver writer). */
  ceilingCores: Record<string, number>;
  /** Cores each process used while the pipeline ran (`worker-N` are the sink workers). */
  pipelineCores: Record<string, number>;
  /** Cores the first sink worker's threads used while the pipeline ran, by role (process-sampler.ts threadGroup). */
  workerThreadCores: Record<string, number>;
  /** µs of CPU per row by role: the pipeline's (writer = the sink workers) and the best ceiling's (writer = the plain-driver writer). */
  cost: { pipeline: CostPerRow; ceiling: CostPerRow };
  /** What a bare kafkajs reader spends a row, alone and with the sink's cut (bench/read-floor.ts); null without the ceilings. */
  readFloor: ReadFloor | null;
  /**
   * µs a row the JavaScript thread was paused by the garbage collector: in the sink workers (their
   * /metrics, from the first scrape to the last) and in the best ceiling's writer (its median run); null
   * when not measured. The collector's helper threads work besides, in workerThreadCores.
   */
  gcPause: { pipeline: GcPausePerRow | null; ceiling: GcPausePerRow | null };
  /** Per second: rows written, consumer lag, the batch target and mean batch size, worker memory (largest of the workers). */
  timeline: { t: number; rowsPerSecond: number; lag: number; batchTarget: number; meanBatchRecords: number; rssMb: number; heapUsedMb: number; arrayBuffersMb: number }[];
}

/** The stack's server processes by name, from its pid records. */
function stackPids(settings: StackSettings): Record<string, number> {
  const pids: Record<string, number> = { bench: process.pid };
  for (const service of stackServices(settings)) {
    const record = readRecord(settings.dataDir, service.name);
    if (record) pids[service.name] = record.pid;
  }
  return pids;
}

const CEILING_RUNS = 3;

/** How many of the tuning's best batch shapes are timed on every row. */
const BATCHED_FINALISTS = 2;

/**
 * Shapes the batched ceiling tries, as rows a batch × batches in flight. A batch is also capped at
 * the sink's CASSANDRA_WRITE_BATCH_BYTES (48 000 estimated bytes by default, under the stack's 48 KiB warn
 * threshold), which a batch of these rows reaches at about 100 rows. The shapes reach past the sink's
 * own in-flight count (CASSANDRA_WRITE_CONCURRENCY, 128), so the ceiling gets every shape the sink uses.
 */
const BATCH_SHAPES = [[16, 64], [32, 32], [32, 64], [32, 128], [64, 16], [64, 32], [64, 64], [64, 128], [96, 128], [128, 16], [128, 32]] as const;

/**
 * How `npm run worker:sink` starts the sink worker (its memory budget: environment such as
 * MALLOC_ARENA_MAX and Node flags such as the heap limit), read from package.json.
 */
function sinkWorkerLaunch(): { env: Record<string, string>; flags: string[] } {
  const scripts = (JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const words = scripts['worker:sink']!.split('&&').at(-1)!.trim().split(/\s+/);
  const node = words.indexOf('node');
  const env = Object.fromEntries(words.slice(0, node).map((word) => word.split('=') as [string, string]));
  return { env, flags: words.slice(node + 1).filter((word) => word.startsWith('--')) };
}

/** Before each timed run: the stack's servers quiet again (Cassandra's flushes and compactions done). */
async function settle(settings: StackSettings, progress: (line: string) => void): Promise<void> {
  const { bench: _bench, ...servers } = stackPids(settings);
  const quiet = await waitForQuiet(servers, { maxCores: 0.2, timeoutMs: 90_000 });
  if (quiet.seconds > 2) progress(`  (waited ${quiet.seconds} s for the servers to settle: ${quiet.cores} cores)`);
}

/** A run that writes no row for this long has stalled (a worker that fails every batch, say): it ends with the workers' last lines. */
const STALL_MS = 120_000;

/** The last `count` lines each worker printed, one string: `worker 1: ... | ...`. */
function lastLines(outputs: readonly string[], count: number): string {
  return outputs.map((text, w) => `worker ${w + 1}: ${text.trimEnd().split('\n').slice(-count).join(' | ') || '(nothing)'}`).join('; ');
}

function describeCores(cores: Record<string, number>): string {
  return Object.entries(cores).map(([name, used]) => `${name} ${used.toFixed(2)}`).join(', ');
}

function makeRecords(count: number): UserRecord[] {
  const now = new Date();
  const records: UserRecord[] = [];
  for (let page = 1; records.length < count; page++) {
    const users = generateUsers({ seed: 'bench-sink', page, results: Math.min(5000, count - records.length) });
    for (const user of users) records.push(toUserRecord(user, { slotTime: now, fetchedAt: now }));
  }
  return records;
}

/** A timed run of a ceiling: its rate, the cores each process used, and the writer's collector pauses a row. */
type Run = { rowsPerSecond: number; cores: Record<string, number>; gcPause?: GcPausePerRow | null };

/**
 * The plain-driver ceilings on the same rows, into a sibling table: single rows (tuned in-flight
 * count) and unlogged batches by replica set (tuned shape); each the median of `runs` timed runs.
 */
async function measureCeilings(settings: StackSettings, pipeline: IsolatedPipeline, records: UserRecord[], ceilingTable: string, runs: number, progress: (line: string) => void, cpuProfileDir?: string): Promise<{
  single: Run; singleRuns: Run[]; singleTuned: { concurrency: number };
  batched: Run; batchedRuns: Run[]; batchedTuned: { rowsPerBatch: number; batchesInFlight: number };
}> {
  const { config } = pipeline;
  // Ceiling: the same rows straight into an identical table with prepared, token-aware writes.
  const schema = fs.readFileSync(path.join(CQL_DIR, '002-random-names.cql'), 'utf8');
  for (const statement of cqlStatements(schema, { keyspace: config.cassandra.keyspace, table: ceilingTable, local_datacenter: config.cassandra.localDataCenter, replication_factor: '1' })) await pipeline.cassandra.execute(statement);
  // The rows as the sink holds them (encoded once, sent as they are): the writer's timed runs do only
  // what every writer must, send them.
  const rows = records.map((r, i) => toBoundRow(r, { partition: 0, offset: String(i), ingestedAt: new Date() }, Date.now() * 1000 + i));
  const params = rows.map(boundValues);
  const statement = upsertStatement(config.cassandra.keyspace, ceilingTable);
  // Each timed run writes every row into the emptied table, once the servers are quiet again.
  // A run that a stall of Cassandra's disk times out is lost and run again (bench/lost-runs.ts).
  const timedRuns = (write: () => Promise<void>): Promise<Run[]> =>
    runsWithoutLost(runs, async () => {
      await pipeline.cassandra.execute(`TRUNCATE ${config.cassandra.keyspace}.${ceilingTable}`);
      await settle(settings, progress);
      const cpu = sampleCpu(stackPids(settings));
      const gc = observeGcPauses();
      const before = { ...gc.seconds };
      const began = Date.now();
      const failed = await write().then(() => null, (error: unknown) => ({ error }));
      const cores = cpu.stop();
      const seconds = (Date.now() - began) / 1000;
      await nextTurn(); // the last collections' entries are delivered a turn later
      gc.stop();
      if (failed) throw failed.error;
      const gcPause = gcPausePerRow(before, gc.seconds, params.length);
      progress(`  ${Math.round(params.length / seconds)} rows/s (${seconds.toFixed(1)} s); cores used: ${describeCores(cores)}; collector pauses ${gcPause ? (gcPause.minor + gcPause.major).toFixed(1) : '?'} µs a row`);
      return { rowsPerSecond: params.length / seconds, cores, gcPause };
    }, progress);
  const medianRun = (done: Run[]): Run => [...done].sort((a, b) => a.rowsPerSecond - b.rowsPerSecond)[Math.floor(runs / 2)]!;
  progress('tuning the plain-driver writer on a 10% sample');
  const sample = params.slice(0, Math.max(100, Math.floor(params.length / 10)));
  let best = { concurrency: 64, rate: 0 };
  for (const concurrency of [64, 256, 1024]) {
    const [rate] = await runsWithoutLost(1, async () => {
      const t = Date.now();
      await concurrent.executeConcurrent(pipeline.cassandra, statement, sample, { concurrencyLevel: concurrency, raiseOnFirstError: true });
      return sample.length / ((Date.now() - t) / 1000);
    }, progress);
    progress(`  concurrency ${concurrency}: ${Math.round(rate)} rows/s`);
    if (rate > best.rate) best = { concurrency, rate };
  }
  // Three timed runs into an emptied table; the ceiling is their median, so one run slowed by a
  // memtable flush or compaction (or sped up by luck) does not set the ratio.
  progress(`ceiling: ${params.length} rows with concurrency ${best.concurrency}, ${runs} runs`);
  const ceilingRuns = await timedRuns(() => concurrent.executeConcurrent(pipeline.cassandra, statement, params, { concurrencyLevel: best.concurrency, raiseOnFirstError: true }).then(() => undefined));
  const median = medianRun(ceilingRuns);

  // The batched ceiling: the same rows as unlogged batches, each within one replica set, tuned on the sample.
  const batchedWrite = (batchRows: BoundRow[], rowsPerBatch: number, inFlight: number) =>
    writeInReplicaBatches(pipeline.cassandra, batchRows, { keyspace: config.cassandra.keyspace, statement, maxRows: rowsPerBatch, maxBytes: config.cassandra.writeBatch.bytes, concurrency: inFlight, executionProfile: WRITE_PROFILE });
  // Each shape twice, in turn, on a quarter of the rows; a shape's rate is the better of its two runs
  // (interference only ever slows a run down). A 10 % sample took half a second a shape, and picked
  // a shape a quarter slower than the best one in some runs.
  const tuningRows = rows.slice(0, Math.max(100, Math.floor(params.length / 4)));
  progress(`tuning the batched writer on ${tuningRows.length} rows, each shape twice`);
  const rates = new Map<string, number>();
  for (let round = 0; round < 2; round++) {
    for (const [rowsPerBatch, batchesInFlight] of BATCH_SHAPES) {
      const [rate] = await runsWithoutLost(1, async () => {
        await pipeline.cassandra.execute(`TRUNCATE ${config.cassandra.keyspace}.${ceilingTable}`);
        const t = Date.now();
        await batchedWrite(tuningRows, rowsPerBatch, batchesInFlight);
        return tuningRows.length / ((Date.now() - t) / 1000);
      }, progress);
      progress(`  ${rowsPerBatch} rows a batch, ${batchesInFlight} in flight: ${Math.round(rate)} rows/s`);
      const key = `${rowsPerBatch}x${batchesInFlight}`;
      rates.set(key, Math.max(rates.get(key) ?? 0, rate));
    }
  }
  // The two best shapes of the tuning are timed on every row, and the ceiling is the better one: a
  // shape that leads on a quarter of the rows can fall behind on all of them (128 × 32 led the tuning
  // at 20 000 rows/s and wrote 200 000 rows at 10 500-12 900, where 64 × 128 wrote 15 900).
  const finalists = BATCH_SHAPES.map(([rowsPerBatch, batchesInFlight]) => ({ rowsPerBatch, batchesInFlight, rate: rates.get(`${rowsPerBatch}x${batchesInFlight}`)! }))
    .sort((a, b) => b.rate - a.rate)
    .slice(0, BATCHED_FINALISTS);
  // With --cpu-prof the batched ceiling's timed runs are profiled in this process (the writer's own CPU).
  const timed = await profiled(cpuProfileDir, 'ceiling-batched.cpuprofile', async () => {
    const done: { shape: (typeof finalists)[number]; runs: Run[] }[] = [];
    for (const shape of finalists) {
      progress(`batched ceiling: ${params.length} rows, ${shape.rowsPerBatch} a batch, ${shape.batchesInFlight} in flight, ${runs} runs`);
      done.push({ shape, runs: await timedRuns(() => batchedWrite(rows, shape.rowsPerBatch, shape.batchesInFlight)) });
    }
    return done;
  });
  const winner = timed.reduce((a, b) => (medianRun(b.runs).rowsPerSecond > medianRun(a.runs).rowsPerSecond ? b : a));
  const bestBatched = { rowsPerBatch: winner.shape.rowsPerBatch, batchesInFlight: winner.shape.batchesInFlight };
  return { single: median, singleRuns: ceilingRuns, singleTuned: best, batched: medianRun(winner.runs), batchedRuns: winner.runs, batchedTuned: bestBatched };
}

/**
 * Preloads N records into a fresh topic, measures the plain-driver ceiling into a sibling table, then
 * times the real sink worker process(es) until every record is a row.
 */
export async function sinkBench(options: SinkBenchOptions): Promise<SinkBenchResult> {
  const { progress } = options;
  const batchEnv: Record<string, string> = options.batchMaxRecords ? { BATCH_MAX_RECORDS: String(options.batchMaxRecords) } : {};
  const overrides = { KAFKA_TOPIC_PARTITIONS: '6', BATCH_MAX_WAIT: '100ms', ...batchEnv };
  const settings = options.hosts ? clusterStackSettings() : loadStackSettings();
  let hosts: WorkerHost[] = [];
  if (options.hosts) {
    await stackDown(settings, { purge: true }, () => undefined);
    hosts = createWorkerHosts(options.workers);
    progress(`${hosts.length} worker host(s): ${hosts.map((h) => `${h.name} ${h.address}`).join(', ')}; starting the cluster stack (three Cassandra nodes)`);
    await stackUp(settings, (m) => progress(`[cluster] ${m}`));
  }
  const pipeline = options.hosts ? await clusterPipeline(settings, overrides) : await IsolatedPipeline.create(overrides);
  const children: ChildProcess[] = [];
  // What each worker printed, for the error when the pipeline stalls.
  const outputs: string[] = [];
  try {
    await pipeline.prepare();
    const { config } = pipeline;
    progress(`generating ${options.records} records`);
    const records = makeRecords(options.records);

    progress(`preloading ${records.length} records into ${config.kafka.topic} (${config.kafka.partitions} partitions)`);
    const producer = createProducer(pipeline.kafka);
    await producer.connect();
    for (let i = 0; i < records.length; i += 2000) {
      await producer.send({ topic: config.kafka.topic, acks: -1, messages: records.slice(i, i + 2000).map((r) => ({ key: r.id, value: JSON.stringify(r) })) });
      if ((i / 2000) % 20 === 0) progress(`  ${Math.min(i + 2000, records.length)}/${records.length}`);
    }
    await producer.disconnect();

    const ceilingTable = 'ceiling';
    const ceilings = options.ceilingRuns === 0 ? undefined : await measureCeilings(settings, pipeline, records, ceilingTable, options.ceilingRuns ?? CEILING_RUNS, progress, options.cpuProfileDir);
    const median = ceilings?.single ?? { rowsPerSecond: 0, cores: {} };
    const ceilingRuns = ceilings?.singleRuns ?? [];
    const best = ceilings?.singleTuned ?? { concurrency: 0 };
    const batchedMedian = ceilings?.batched ?? { rowsPerSecond: 0, cores: {} };
    const batchedRuns = ceilings?.batchedRuns ?? [];
    const bestBatched = ceilings?.batchedTuned ?? { rowsPerBatch: 0, batchesInFlight: 0 };
    const best_ = batchedMedian.rowsPerSecond > median.rowsPerSecond ? batchedMedian : median;
    const ceilingRowsPerSecond = best_.rowsPerSecond;
    const ceilingCores = best_.cores;

    await pipeline.cassandra.execute(`DROP TABLE IF EXISTS ${config.cassandra.keyspace}.${ceilingTable}`);
    // The floor the Kafka client and the cut set: the same records read by a bare kafkajs process.
    let readFloor: ReadFloor | null = null;
    if (ceilings) {
      await settle(settings, progress);
      readFloor = await measureReadFloor(records.length, sinkWorkerLaunch(), { ...pipeline.commandEnv(), BATCH_MAX_WAIT: '100ms', ...batchEnv });
      progress(`bare kafkajs reader: ${readFloor.readUsPerRow} µs a row; reading and cutting: ${readFloor.cutUsPerRow} µs a row`);
    }
    await settle(settings, progress);
    // The pipeline: sink worker processes running the compiled code on the workflow bundle built with
    // it, as `npm run worker:sink` and the image run them; batches go through Temporal.
    const worker = await compiledEntry('workers/sink-worker');
    const basePort = 19500 + Math.floor(Math.random() * 200) * 4;
    const ready: Promise<void>[] = [];
    // The clock starts when the first consumer joins the group, so before it writes a row: a process
    // starts its consumers one after the other and says it runs only once all have joined, by when the
    // first has written for a rebalance's time.
    let firstJoinAt: number | undefined;
    const samplers: ReturnType<typeof sampleRss>[] = [];
    for (let w = 0; w < options.workers; w++) {
      const launch = sinkWorkerLaunch();
      const flags = launch.flags.filter((flag) => !(options.workerHeapMb && flag.startsWith('--max-old-space-size')) && !(options.workerSemiSpaceMb && flag.startsWith('--max-semi-space-size')));
      const args = [...flags, ...(options.workerHeapMb ? [`--max-old-space-size=${options.workerHeapMb}`] : []), ...(options.workerSemiSpaceMb ? [`--max-semi-space-size=${options.workerSemiSpaceMb}`] : []), ...(options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : []), worker];
      const command = hosts[w] ? ['ip', 'netns', 'exec', hosts[w]!.name, process.execPath, ...args] : [process.execPath, ...args];
      const child = spawn(command[0]!, command.slice(1), { env: { ...process.env, ...launch.env, ...pipeline.commandEnv(), BATCH_MAX_WAIT: '100ms', ...batchEnv, ...(options.writeBatchRows ? { CASSANDRA_WRITE_BATCH_ROWS: String(options.writeBatchRows) } : {}), METRICS_PORT: String(basePort + w * 2), METRICS_HOST: hosts[w]?.address ?? '127.0.0.1', KAFKAJS_NO_PARTITIONER_WARNING: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      outputs[w] = '';
      const onOutput = (d: Buffer) => {
        outputs[w] += d;
        if (firstJoinAt === undefined && outputs[w]!.includes('sink consumer joined')) firstJoinAt = Date.now();
      };
      child.stdout!.on('data', onOutput);
      child.stderr!.on('data', onOutput);
      ready.push(waitFor(`sink worker ${w + 1} to start`, async () => outputs[w]!.includes('sink worker running'), 120_000, 100).then(() => undefined));
      samplers.push(sampleRss(child.pid!));
    }
    progress(`starting ${options.workers} sink worker process(es)`);
    await Promise.race(ready);
    const start = firstJoinAt ?? Date.now();
    const workerThreads = sampleThreadCpu(children[0]!.pid!);
    const pipelineCpu = sampleCpu({ ...stackPids(settings), ...Object.fromEntries(children.map((c, w) => [`worker-${w + 1}`, c.pid!])) });
    const metricsOf = async (w: number) => (await fetch(`http://${hosts[w]?.address ?? '127.0.0.1'}:${basePort + w * 2}/metrics`).catch(() => undefined))?.text();
    // Per worker's scrape: rows written, batches (count and records), the batch target and memory.
    const scrape = async () => {
      const texts = (await Promise.all(children.map((_, w) => metricsOf(w)))).map((t) => t ?? '');
      const sum = (name: string) => texts.reduce((total, t) => total + (metricValue(t, name) ?? 0), 0);
      const max = (name: string) => Math.max(0, ...texts.map((t) => metricValue(t, name) ?? 0));
      return {
        rows: sum('pipeline_rows_written_total'),
        batches: sum('pipeline_batch_size_records_count'),
        batchRecords: sum('pipeline_batch_size_records_sum'),
        batchTarget: max('pipeline_batch_target_records'),
        rssMb: Math.round(max('process_resident_memory_bytes') / 1048576),
        heapUsedMb: Math.round(max('nodejs_heap_size_used_bytes') / 1048576),
        arrayBuffersMb: Math.round(max('nodejs_array_buffers_bytes') / 1048576),
        gcSeconds: Object.fromEntries(GC_KINDS.map((kind) => [kind, sum(`nodejs_gc_pause_seconds_total{kind="${kind}"}`)])) as GcSeconds,
      };
    };
    const timeline: SinkBenchResult['timeline'] = [];
    let written = 0;
    let last = { rows: 0, batches: 0, batchRecords: 0 };
    let lastT = start;
    // Every scrape's count of rows written, for the rate once rows flow (below).
    const counts: { at: number; rows: number }[] = [];
    // The clock stops when the workers have written every row. Each scrape costs the worker CPU (its
    // own metrics and the Temporal SDK's), which a plain writer does not pay: so every 250 ms, and every
    // 50 ms once fewer rows are left than half a second writes, so the stop is still within 50 ms.
    // The timeline and progress are per second.
    let rate = 0;
    // The collector's pauses in the workers from the first scrape of the clock to the last, and the rows in between.
    let gcFirst: { rows: number; seconds: GcSeconds } | undefined;
    let gcLast: { rows: number; seconds: GcSeconds } | undefined;
    let stalled = { rows: 0, since: start };
    for (;;) {
      await sleep(rate > 0 && records.length - written < rate / 2 ? 50 : 250);
      const now_ = await scrape();
      written = now_.rows;
      gcFirst ??= { rows: written, seconds: now_.gcSeconds };
      gcLast = { rows: written, seconds: now_.gcSeconds };
      const now = Date.now();
      counts.push({ at: now, rows: written });
      if (written >= records.length || now - lastT >= 1000) {
        const lag = await pipeline.lag().catch(() => -1);
        const batches = now_.batches - last.batches;
        timeline.push({
          t: Math.round((now - start) / 100) / 10,
          rowsPerSecond: Math.round((written - last.rows) / ((now - lastT) / 1000)),
          lag,
          batchTarget: now_.batchTarget,
          meanBatchRecords: batches > 0 ? Math.round((now_.batchRecords - last.batchRecords) / batches) : 0,
          rssMb: now_.rssMb,
          heapUsedMb: now_.heapUsedMb,
          arrayBuffersMb: now_.arrayBuffersMb,
        });
        rate = (written - last.rows) / ((now - lastT) / 1000);
        last = now_;
        lastT = now;
        progress(`  ${written}/${records.length} rows · lag ${lag} · batch target ${now_.batchTarget} · rss ${now_.rssMb} MB (heap ${now_.heapUsedMb}, buffers ${now_.arrayBuffersMb}) · ${((now - start) / 1000).toFixed(1)} s`);
      }
      if (written >= records.length) break;
      if (written > stalled.rows) stalled = { rows: written, since: now };
      if (now - stalled.since > STALL_MS) throw new Error(`the pipeline wrote no row for ${STALL_MS / 1000} s (${written} of ${records.length} written); the workers' last lines: ${lastLines(outputs, 5)}`);
      if (now - start > 20 * 60_000) throw new Error(`the pipeline wrote ${written} of ${records.length} rows in 20 minutes; the workers' last lines: ${lastLines(outputs, 5)}`);
    }
    const pipelineSeconds = (Date.now() - start) / 1000;
    const pipelineCores = pipelineCpu.stop();
    const workerThreadCores = workerThreads.stop();
    progress(`  ${Math.round(records.length / pipelineSeconds)} rows/s (${pipelineSeconds.toFixed(1)} s); cores used: ${describeCores(pipelineCores)}; worker-1 threads: ${describeCores(workerThreadCores)}`);
    // Every offset must then be committed (not timed: the rows are already readable).
    await waitFor('the consumer group to commit every offset', async () => (await pipeline.lag().catch(() => -1)) === 0, 60_000, 200);
    const first = (await metricsOf(0)) ?? '';
    const texts = await Promise.all(children.map((_, w) => metricsOf(w)));
    const summed = (name: string) => texts.reduce((sum, t) => sum + (t ? metricValue(t, name) ?? 0 : 0), 0);
    const batchesReread = summed('pipeline_batches_reread_total');
    const batchesWritten = summed('pipeline_batches_written_total');
    await Promise.all(ready);
    const rows = (await pipeline.cassandraIds()).length;
    if (rows !== records.length) throw new Error(`Cassandra holds ${rows} rows, expected ${records.length}`);
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((c) => new Promise((resolve) => (c.exitCode !== null ? resolve(null) : c.once('exit', resolve)))));
    const peak = Math.max(...samplers.map((s) => s.stop().peakRssMb));
    const p50 = histogramQuantile(first, 'pipeline_batch_write_seconds', 0.5);
    const p99 = histogramQuantile(first, 'pipeline_batch_write_seconds', 0.99);
    const pipelineRowsPerSecond = records.length / pipelineSeconds;
    // Once rows flow: without the group join and the first batch's round trip at the start.
    // Once rows flow: from the scrape that first saw a tenth of the rows written to the one that first
    // saw nine tenths, so neither the start-up (group join, first fetch, first batch) nor the last
    // batch's tail counts. Rows count when their batch is written, so it is only as fine as a batch.
    const reached = (share: number) => counts.find((c) => c.rows >= records.length * share);
    const tenth = reached(0.1);
    const nineTenths = reached(0.9);
    const flowing = tenth && nineTenths && nineTenths.at > tenth.at ? (nineTenths.rows - tenth.rows) / ((nineTenths.at - tenth.at) / 1000) : pipelineRowsPerSecond;
    return {
      bench: 'sink',
      records: records.length,
      workers: options.workers,
      hosts: options.hosts ?? false,
      partitions: config.kafka.partitions,
      batchMaxRecords: config.batch.maxRecords,
      pipelineRowsPerSecond: Math.round(pipelineRowsPerSecond),
      pipelineSeconds: Math.round(pipelineSeconds * 10) / 10,
      ceilingRowsPerSecond: Math.round(ceilingRowsPerSecond),
      ceilingRunsRowsPerSecond: ceilingRuns.map((r) => Math.round(r.rowsPerSecond)),
      ceilingConcurrency: best.concurrency,
      singleRowCeilingRowsPerSecond: Math.round(median.rowsPerSecond),
      batchedCeilingRunsRowsPerSecond: batchedRuns.map((r) => Math.round(r.rowsPerSecond)),
      batchedCeilingRowsPerSecond: Math.round(batchedMedian.rowsPerSecond),
      batchedCeiling: { rowsPerBatch: bestBatched.rowsPerBatch, batchesInFlight: bestBatched.batchesInFlight },
      writeBatchRows: options.writeBatchRows ?? config.cassandra.writeBatch.rows,
      ratio: Math.round((pipelineRowsPerSecond / ceilingRowsPerSecond) * 1000) / 1000,
      pipelineFlowingRowsPerSecond: Math.round(flowing),
      flowingRatio: Math.round((flowing / ceilingRowsPerSecond) * 1000) / 1000,
      batchWriteP50Ms: p50 === undefined ? null : p50 * 1000,
      batchWriteP99Ms: p99 === undefined ? null : p99 * 1000,
      batches: batchesWritten,
      batchesReread,
      peakWorkerRssMb: peak,
      ceilingCores,
      pipelineCores,
      workerThreadCores,
      cost: { pipeline: costPerRow(pipelineCores, pipelineRowsPerSecond, 'workers'), ceiling: costPerRow(ceilingCores, ceilingRowsPerSecond, 'bench') },
      readFloor,
      gcPause: {
        pipeline: gcFirst && gcLast ? gcPausePerRow(gcFirst.seconds, gcLast.seconds, gcLast.rows - gcFirst.rows) : null,
        ceiling: best_.gcPause ?? null,
      },
      timeline,
    };
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await pipeline.close();
    if (options.hosts) {
      removeTestNetwork();
      await stackDown(settings, { purge: true }, () => undefined);
    }
  }
}
