import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { processStartTime, recordPath, type ProcessRecord } from '../../src/dev/stack/processes';
import { runCommand, type CommandResult } from './run-command';

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * A stack folder of its own that starts no server: ports nobody listens on, one node of each kind, no
 * TLS. The shared stack's processes and ports stay out of reach of what a test does with it.
 */
export function emptyStackEnv(prefix: string): Record<string, string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  return {
    STACK_DIR: dir,
    STACK_HOST: '127.0.0.1',
    STACK_TEMPORAL_PORT: '24233',
    STACK_TEMPORAL_UI_PORT: '24234',
    STACK_KAFKA_BROKERS: '1',
    STACK_KAFKA_PORT: '24092',
    STACK_KAFKA_CONTROLLER_PORT: '24093',
    STACK_KAFKA_SASL_PORT: '24094',
    STACK_CASSANDRA_NODES: '1',
    STACK_CASSANDRA_PORT: '24042',
    STACK_CASSANDRA_STORAGE_PORT: '24000',
    STACK_CASSANDRA_JMX_PORT: '24199',
    STACK_TLS: '0',
    STACK_TEMPORAL_TLS_PORT: '24235',
    STACK_KAFKA_SSL_PORT: '24095',
    STACK_KAFKA_SASL_SSL_PORT: '24096',
    STACK_STOP_GRACE_SECONDS: '5',
  };
}

/** A process of our own to stand for a recorded server: `sleep` in its own process group, as the stack starts servers. */
export function startStandIn(seconds: number): ChildProcess {
  const child = spawn('sleep', [String(seconds)], { detached: true, stdio: 'ignore' });
  child.unref();
  return child;
}

/** Writes the record the stack keeps for a process it started, in its own format. */
export function writeRecord(dataDir: string, record: Omit<ProcessRecord, 'processStart' | 'startedAt' | 'command' | 'logFile'> & Partial<ProcessRecord>): ProcessRecord {
  const full: ProcessRecord = {
    command: 'sleep',
    startedAt: new Date().toISOString(),
    processStart: processStartTime(record.pid),
    logFile: path.join(dataDir, 'logs', `${record.name}.log`),
    ...record,
  };
  fs.mkdirSync(path.dirname(recordPath(dataDir, full.name)), { recursive: true });
  fs.writeFileSync(recordPath(dataDir, full.name), JSON.stringify(full, null, 2));
  return full;
}

/** True while the pid is alive (not a zombie). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

/** `npm run stack -- <args>` as a user runs it, built first if stale. */
export async function runStack(args: string[], env: Record<string, string>): Promise<CommandResult> {
  const built = await runCommand(process.execPath, [path.join(ROOT, 'scripts', 'build.js'), '--if-stale'], env);
  if (built.code !== 0) throw new Error(`build failed: ${built.stderr}`);
  return runCommand(process.execPath, [path.join(ROOT, 'dist', 'dev', 'stack', 'cli.js'), ...args], env);
}
