import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client as CassandraClient } from 'cassandra-driver';
import { loadStackSettings } from '../src/dev/stack/settings';
import { stackDown } from '../src/dev/stack/stack';

const ROOT = path.resolve(__dirname, '..');

type Progress = (line: string) => void;

export interface FirstRowRun {
  /** From `npm start` to the first row it wrote being readable in Cassandra. */
  firstRowMs: number;
  /** Each line npm start printed before that row, with when (ms after the start). */
  lines: { at: number; text: string }[];
}

/**
 * Time to the first row: `npm start` on the embedded local default, as a user runs it, timed from its
 * spawn until a row written after the spawn is readable in `pipeline.random_names`. Warm: the stack
 * running and the build current (a second start). Cold: the stack stopped and its state removed and
 * dist/ deleted, so the start builds, starts every server and creates the schema and topics (the
 * servers' downloads stay cached, as on a machine that ran `npm ci` once).
 */
export async function firstRowBench(options: { cold: boolean; runs: number; progress: Progress }) {
  const runs: FirstRowRun[] = [];
  for (let run = 1; run <= options.runs; run++) {
    if (options.cold) {
      const settings = loadStackSettings();
      await stackDown(settings, { purge: true }, () => undefined);
      fs.rmSync(path.join(ROOT, 'dist'), { recursive: true, force: true });
    }
    const result = await timeOneStart(options.progress);
    options.progress(`run ${run}: first row after ${(result.firstRowMs / 1000).toFixed(1)} s`);
    runs.push(result);
  }
  const sorted = runs.map((r) => r.firstRowMs).sort((a, b) => a - b);
  return { kind: options.cold ? 'cold' : 'warm', medianMs: sorted[Math.floor(sorted.length / 2)]!, runsMs: runs.map((r) => r.firstRowMs), lastRunLines: runs.at(-1)?.lines ?? [] };
}

async function timeOneStart(progress: Progress): Promise<FirstRowRun> {
  const started = Date.now();
  // A group of its own, signalled as a whole, as a terminal's Ctrl-C reaches npm, its shell and node.
  const child = spawn('npm', ['start', '--silent'], { cwd: ROOT, env: { ...process.env, KAFKAJS_NO_PARTITIONER_WARNING: '1' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      // already gone
    }
  };
  const lines: FirstRowRun['lines'] = [];
  const collect = (chunk: Buffer) => {
    for (const text of chunk.toString('utf8').split('\n')) if (text.trim()) lines.push({ at: Date.now() - started, text });
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let exitedEarly = false;
  void exited.then(() => (exitedEarly = true));
  const cassandra = new CassandraClient({ contactPoints: ['127.0.0.1:9042'], localDataCenter: 'datacenter1' });
  try {
    for (;;) {
      if (exitedEarly) throw new Error(`npm start exited before a row was written: ${lines.slice(-3).map((l) => l.text).join(' | ')}`);
      if (Date.now() - started > 300_000) throw new Error('no row within 5 minutes');
      const newest = await newestWriteMs(cassandra);
      if (newest !== undefined && newest >= started) {
        const firstRowMs = Date.now() - started;
        return { firstRowMs, lines: lines.filter((l) => l.at <= firstRowMs) };
      }
      await sleep(100);
    }
  } finally {
    await cassandra.shutdown().catch(() => undefined);
    signal('SIGINT');
    const killer = setTimeout(() => signal('SIGKILL'), 60_000);
    await exited;
    clearTimeout(killer);
    progress(`  npm start stopped`);
  }
}

/** The newest write time in the default table (ms), or undefined while Cassandra or the table is not there yet. */
async function newestWriteMs(cassandra: CassandraClient): Promise<number | undefined> {
  try {
    const result = await cassandra.execute('SELECT WRITETIME(full_name) AS wt FROM pipeline.random_names', [], { fetchSize: 100_000 });
    let newest = 0;
    for (const row of result.rows) newest = Math.max(newest, Number(row.get('wt') ?? 0));
    return newest > 0 ? newest / 1000 : undefined;
  } catch {
    return undefined;
  }
}
