// `npm run bench -- <name> [options]`: progress on stdout, and as the last line one JSON object.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadStackSettings } from '../src/dev/stack/settings';
import { stackUp } from '../src/dev/stack/stack';
import { firstRowBench } from './first-row';
import { sinkBench } from './sink-bench';
import { backfillBench, e2eBench, scheduleBench } from './slot-benches';
import { parseDurationMs } from '../src/config/pipeline-config';
import { lineChartSvg } from './svg-chart';
import { describeGcPause, sittingMedians } from './cost-per-row';
import { readCpuProfile, topSelfTime } from './profile-top';

const HELP = `usage: npm run bench -- <name> [options]

benches:
  sink [--records N] [--workers W] [--batch-max-records B] [--write-batch-rows R] [--worker-heap-mb M] [--worker-semi-space-mb S]
       [--ceiling-runs C] [--cpu-prof] [--chart FILE] [--hosts] [--runs N]
       preload N records (default 200000) into a fresh topic, measure the plain cassandra-driver ceilings
       (single rows, and unlogged batches grouped by replica set), then time W sink worker processes
       (default 1, writing R rows a batch: CASSANDRA_WRITE_BATCH_ROWS) until every record is a row. The
       workers run as \`npm run worker:sink\` does, with its Node flags (heap limit); C timed runs of each
       ceiling (default 3, 0 skips them). --hosts: each worker on a host of its own (a network namespace;
       needs root) against a stack of its own with a three-node Cassandra ring at replication factor 3.
       Each run reports its CPU per row: the sink workers', Cassandra's, Temporal's and Kafka's, and the
       best ceiling's writer's and Cassandra's. --runs N: a sitting of N runs, then their medians (rows/s,
       ratio, µs per row, the worker's CPU per row against the bare writer's) and, with --chart, the
       ratio and the worker's CPU per row of each run

  e2e [--interval 1s] [--slots 60] [--users N]
       freshness from each slot's time to all its rows readable in Cassandra (p50/p95/p99/max)
  schedule [--interval 10s] [--slots 60] [--schedules 2]
       how late each slot's workflow starts against its slot time (p50/p95/p99/max); the slots come from
       that many schedules of the interval side by side, phase-shifted (60 slots at 10 s take 5 minutes)
  backfill [--slots 360] [--users N]
       backfill one hour of 10-s slots that never ran; time until every row is in Cassandra
  first-row [--cold] [--runs 3]
       time from \`npm start\` to its first row readable in Cassandra, on the local default: warm (the
       stack running, the build current: a second start), or --cold (the stack's state removed and
       dist/ deleted before each run; the servers' downloads stay cached); the median of the runs
  profile FILE.cpuprofile [--rows N] [--top 10]
       the functions a CPU profile (--cpu-prof) spent most self time in, as µs per row given the rows

The local stack is brought up when it is not running. The last line printed is one JSON object.`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h') {
    console.log(HELP);
    return name ? 0 : 2;
  }
  const progress = (line: string) => console.log(line);
  Runtime.install({ logger: new DefaultLogger('WARN') });
  process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
  switch (name) {
    case 'sink': {
      const { values } = parseArgs({ args: rest, options: { records: { type: 'string', default: '200000' }, workers: { type: 'string', default: '1' }, 'batch-max-records': { type: 'string' }, 'cpu-prof': { type: 'boolean' }, chart: { type: 'string' }, 'worker-heap-mb': { type: 'string' }, 'worker-semi-space-mb': { type: 'string' }, 'write-batch-rows': { type: 'string' }, 'ceiling-runs': { type: 'string' }, hosts: { type: 'boolean' }, runs: { type: 'string', default: '1' } }, strict: true });
      const runs = Number(values.runs);
      if (!Number.isInteger(runs) || runs < 1 || runs > 20) throw new Error(`--runs "${values.runs}" is not a whole number from 1 to 20`);
      const workerHeapMb = values['worker-heap-mb'] === undefined ? undefined : Number(values['worker-heap-mb']);
      if (workerHeapMb !== undefined && (!Number.isInteger(workerHeapMb) || workerHeapMb < 64)) throw new Error(`--worker-heap-mb "${values['worker-heap-mb']}" is not a whole number of MB from 64`);
      const workerSemiSpaceMb = values['worker-semi-space-mb'] === undefined ? undefined : Number(values['worker-semi-space-mb']);
      if (workerSemiSpaceMb !== undefined && (!Number.isInteger(workerSemiSpaceMb) || workerSemiSpaceMb < 1 || workerSemiSpaceMb > 256)) throw new Error(`--worker-semi-space-mb "${values['worker-semi-space-mb']}" is not a whole number of MB from 1 to 256`);
      const records = Number(values.records);
      const workers = Number(values.workers);
      if (!Number.isInteger(records) || records < 1) throw new Error(`--records "${values.records}" is not a positive whole number`);
      if (!Number.isInteger(workers) || workers < 1 || workers > 6) throw new Error(`--workers "${values.workers}" is not a whole number from 1 to 6`);
      const batchMaxRecords = values['batch-max-records'] === undefined ? undefined : Number(values['batch-max-records']);
      if (batchMaxRecords !== undefined && (!Number.isInteger(batchMaxRecords) || batchMaxRecords < 1 || batchMaxRecords > 100_000)) throw new Error(`--batch-max-records "${values['batch-max-records']}" is not a whole number from 1 to 100000`);
      // --hosts runs a stack of its own (three Cassandra nodes, workers on hosts of their own).
      if (!values.hosts) await stackUp(loadStackSettings(), (m) => progress(`[stack] ${m}`));
      const cpuProfileDir = values['cpu-prof'] ? path.resolve('bench-results', `cpu-${Date.now()}`) : undefined;
      if (cpuProfileDir) fs.mkdirSync(cpuProfileDir, { recursive: true });
      const writeBatchRows = values['write-batch-rows'] === undefined ? undefined : Number(values['write-batch-rows']);
      if (writeBatchRows !== undefined && (!Number.isInteger(writeBatchRows) || writeBatchRows < 1 || writeBatchRows > 1000)) throw new Error(`--write-batch-rows "${values['write-batch-rows']}" is not a whole number from 1 to 1000`);
      const ceilingRuns = values['ceiling-runs'] === undefined ? undefined : Number(values['ceiling-runs']);
      if (ceilingRuns !== undefined && (!Number.isInteger(ceilingRuns) || ceilingRuns < 0 || ceilingRuns > 9)) throw new Error(`--ceiling-runs "${values['ceiling-runs']}" is not a whole number from 0 to 9`);
      const results = [];
      for (let run = 1; run <= runs; run++) {
        if (runs > 1) progress(`run ${run} of ${runs}`);
        const result = await sinkBench({ records, workers, batchMaxRecords, ceilingRuns, cpuProfileDir, workerHeapMb, workerSemiSpaceMb, writeBatchRows, hosts: values.hosts, progress });
        const { pipeline: p, ceiling: c } = result.cost;
        progress(`run ${run}: ${result.pipelineRowsPerSecond} rows/s, ceiling ${result.ceilingRowsPerSecond}, ratio ${result.ratio}; CPU per row: worker ${p.writer} µs, Cassandra ${p.cassandra} µs, Temporal ${p.temporal} µs, Kafka ${p.kafka} µs; ceiling writer ${c.writer} µs, Cassandra ${c.cassandra} µs${result.readFloor ? `; bare kafkajs reader ${result.readFloor.readUsPerRow} µs, reading and cutting ${result.readFloor.cutUsPerRow} µs` : ''}${describeGcPause(result.gcPause)}; peak RSS ${result.peakWorkerRssMb} MB`);
        results.push(result);
      }
      const result = results[results.length - 1]!;
      if (values.chart && runs > 1) {
        fs.writeFileSync(values.chart, lineChartSvg({
          title: `sink, ${runs} runs of ${records} records: ratio to the best ceiling, and the worker's CPU per row`,
          xLabel: 'run',
          points: results.map((r, i) => ({ x: i + 1, left: Math.round(r.ratio * 100), right: r.cost.pipeline.writer, extra: r.cost.ceiling.writer })),
          leftLabel: 'pipeline rows/s as % of the best ceiling',
          rightLabel: "sink worker's CPU per row (µs)",
          extraLabel: "bare writer's CPU per row (µs)",
        }));
        progress(`chart written to ${values.chart}`);
      } else if (values.chart) {
        fs.writeFileSync(values.chart, lineChartSvg({
          title: `sink: ${records} records, ${workers} worker(s): ${result.pipelineRowsPerSecond} rows/s (ceiling ${result.ceilingRowsPerSecond})`,
          xLabel: 'seconds',
          points: result.timeline.map((p) => ({ x: p.t, left: p.rowsPerSecond, right: Math.max(0, p.lag), extra: p.batchTarget })),
          leftLabel: 'rows written per second',
          rightLabel: 'consumer lag (messages)',
          extraLabel: 'batch size the sink cuts (records)',
        }));
        progress(`chart written to ${values.chart}`);
      }
      if (runs > 1) {
        const medians = sittingMedians(results);
        progress(`sitting of ${runs} runs, medians: ${medians.pipelineRowsPerSecond} rows/s against a best ceiling of ${medians.ceilingRowsPerSecond} (ratio ${medians.ratio}); CPU per row: worker ${medians.workerMicrosPerRow} µs (${medians.workerToWriter}× the bare writer's ${medians.ceilingWriterMicrosPerRow}), Cassandra ${medians.cassandraMicrosPerRow} µs (${medians.ceilingCassandraMicrosPerRow} under the ceiling); before any write, a bare kafkajs reader ${medians.readerMicrosPerRow} µs and reading and cutting ${medians.readAndCutMicrosPerRow} µs; collector pauses: worker ${medians.workerGcPauseMicrosPerRow} µs, bare writer ${medians.ceilingGcPauseMicrosPerRow} µs; peak RSS ${medians.medianPeakWorkerRssMb} MB (the highest run's ${medians.peakWorkerRssMb} MB)`);
        if (cpuProfileDir) progress(`CPU profiles in ${cpuProfileDir}`);
        console.log(JSON.stringify({ bench: 'sink-sitting', medians, runs: results.map(({ timeline: _timeline, ...rest }) => rest) }));
        return 0;
      }
      if (cpuProfileDir) progress(`CPU profiles in ${cpuProfileDir}`);
      console.log(JSON.stringify(result));
      return 0;
    }
    case 'e2e':
    case 'schedule':
    case 'backfill': {
      const defaults = { e2e: { interval: '1s', slots: '60' }, schedule: { interval: '10s', slots: '60' }, backfill: { interval: '10s', slots: '360' } }[name];
      const { values } = parseArgs({ args: rest, options: { interval: { type: 'string', default: defaults.interval }, slots: { type: 'string', default: defaults.slots }, users: { type: 'string', default: '1' }, ...(name === 'schedule' ? { schedules: { type: 'string', default: '2' } } : {}) }, strict: true });
      const schedules = Number(values.schedules ?? '1');
      if (!Number.isInteger(schedules) || schedules < 1 || schedules > 10) throw new Error(`--schedules "${values.schedules}" is not a whole number from 1 to 10`);
      const intervalMs = parseDurationMs(values.interval);
      const slots = Number(values.slots);
      const usersPerSlot = Number(values.users);
      if (!Number.isInteger(slots) || slots < 1) throw new Error(`--slots "${values.slots}" is not a positive whole number`);
      if (!Number.isInteger(usersPerSlot) || usersPerSlot < 1 || usersPerSlot > 5000) throw new Error(`--users "${values.users}" is not a whole number from 1 to 5000`);
      await stackUp(loadStackSettings(), (m) => progress(`[stack] ${m}`));
      const result =
        name === 'e2e' ? await e2eBench({ intervalMs, slots, usersPerSlot, progress })
        : name === 'schedule' ? await scheduleBench({ intervalMs, slots, schedules, progress })
        : await backfillBench({ intervalMs, slots, usersPerSlot, progress });
      console.log(JSON.stringify(result));
      return 0;
    }
    case 'first-row': {
      const { values } = parseArgs({ args: rest, options: { cold: { type: 'boolean' }, runs: { type: 'string', default: '3' } }, strict: true });
      const runs = Number(values.runs);
      if (!Number.isInteger(runs) || runs < 1 || runs > 20) throw new Error(`--runs "${values.runs}" is not a whole number from 1 to 20`);
      const result = await firstRowBench({ cold: !!values.cold, runs, progress });
      for (const line of result.lastRunLines) progress(`  ${(line.at / 1000).toFixed(1).padStart(5)} s  ${line.text}`);
      progress(`${result.kind} start: first row after ${(result.medianMs / 1000).toFixed(1)} s (median of ${runs}: ${result.runsMs.map((ms) => (ms / 1000).toFixed(1)).join(', ')} s)`);
      console.log(JSON.stringify({ bench: 'first-row', kind: result.kind, medianMs: result.medianMs, runsMs: result.runsMs }));
      return 0;
    }
    case 'profile': {
      const { values, positionals } = parseArgs({ args: rest, options: { rows: { type: 'string' }, top: { type: 'string', default: '10' } }, allowPositionals: true, strict: true });
      if (positionals.length !== 1) throw new Error('profile takes one .cpuprofile file');
      const rows = values.rows === undefined ? undefined : Number(values.rows);
      if (rows !== undefined && (!Number.isInteger(rows) || rows < 1)) throw new Error(`--rows "${values.rows}" is not a positive whole number`);
      const top = Number(values.top);
      if (!Number.isInteger(top) || top < 1 || top > 100) throw new Error(`--top "${values.top}" is not a whole number from 1 to 100`);
      const summary = topSelfTime(readCpuProfile(positionals[0]!), top, rows);
      for (const f of summary.functions) progress(`${(f.usPerRow ?? f.selfUs / 1000).toFixed(2).padStart(8)} ${f.usPerRow === undefined ? 'ms' : 'µs/row'}  ${(f.share * 100).toFixed(1).padStart(5)} %  ${f.fn}`);
      console.log(JSON.stringify({ bench: 'profile', file: positionals[0], ...summary }));
      return 0;
    }
    default:
      throw new Error(`unknown bench "${name}" (expected sink, e2e, schedule, backfill or profile; see --help)`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`error: ${(error as Error).message ?? String(error)}`);
    process.exit(1);
  },
);
