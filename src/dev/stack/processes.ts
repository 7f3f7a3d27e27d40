import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** What the stack remembers about a server it started, kept in `<dataDir>/run/<name>.json`. */
export interface ProcessRecord {
  name: string;
  pid: number;
  command: string;
  /** A string of its command line that tells our server apart from another process that got the same pid. */
  marker: string;
  startedAt: string;
  /** The kernel's start time of the process (clock ticks after boot): with the pid, it names one process only. */
  processStart?: string;
  logFile: string;
}

export interface LaunchSpec {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  logFile: string;
  marker: string;
}

export function recordPath(dataDir: string, name: string): string {
  return path.join(dataDir, 'run', `${name}.json`);
}

/** Starts a server in its own process group, detached from this process, output appended to its log. */
export function launch(dataDir: string, spec: LaunchSpec): ProcessRecord {
  fs.mkdirSync(path.dirname(spec.logFile), { recursive: true });
  fs.mkdirSync(path.join(dataDir, 'run'), { recursive: true });
  const out = fs.openSync(spec.logFile, 'a');
  fs.writeSync(out, `\n=== ${new Date().toISOString()} ${spec.command} ${spec.args.join(' ')}\n`);
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: { ...process.env, ...spec.env },
    detached: true,
    stdio: ['ignore', out, out],
  });
  fs.closeSync(out);
  if (child.pid === undefined) throw new Error(`${spec.name}: could not start ${spec.command}`);
  child.unref();
  const record: ProcessRecord = {
    name: spec.name,
    pid: child.pid,
    command: spec.command,
    marker: spec.marker,
    startedAt: new Date().toISOString(),
    processStart: processStartTime(child.pid),
    logFile: spec.logFile,
  };
  fs.writeFileSync(recordPath(dataDir, spec.name), JSON.stringify(record, null, 2));
  return record;
}

export function readRecord(dataDir: string, name: string): ProcessRecord | undefined {
  try {
    const record: unknown = JSON.parse(fs.readFileSync(recordPath(dataDir, name), 'utf8'));
    return isProcessRecord(record) ? record : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Every process record under the run folder, whatever settings started it (a three-node ring, a TLS
 * terminator, a source server): what `stack down` stops and `stack status` shows. Other files there
 * (the test run's marker) are not records and are left out.
 */
export function readRecords(dataDir: string): ProcessRecord[] {
  const dir = path.join(dataDir, 'run');
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [];
  return files.flatMap((file) => {
    const record = readRecord(dataDir, file.slice(0, -'.json'.length));
    return record && record.name === file.slice(0, -'.json'.length) ? [record] : [];
  });
}

function isProcessRecord(value: unknown): value is ProcessRecord {
  const r = value as Partial<ProcessRecord> | null;
  return typeof r === 'object' && r !== null && typeof r.name === 'string' && Number.isInteger(r.pid) && r.pid! > 0 && typeof r.marker === 'string' && typeof r.logFile === 'string';
}

/** The process's start time in clock ticks after boot (field 22 of /proc/<pid>/stat); undefined without /proc. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/**
 * True when the pid is alive and is the process we started: same start time where the record has one,
 * and its command line still holds the marker (pids get reused).
 */
export function isRunning(record: ProcessRecord): boolean {
  try {
    process.kill(record.pid, 0);
  } catch {
    return false;
  }
  const started = record.processStart === undefined ? undefined : processStartTime(record.pid);
  if (started !== undefined && started !== record.processStart) return false;
  try {
    const cmdline = fs.readFileSync(`/proc/${record.pid}/cmdline`, 'utf8');
    if (cmdline.length === 0) return false; // zombie
    return cmdline.includes(record.marker);
  } catch {
    return true;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

/**
 * SIGTERM to the process group, then SIGKILL once the grace period is over; a grace of 0 sends only
 * SIGKILL, as a crash would. Returns how it ended.
 */
export async function stop(dataDir: string, record: ProcessRecord, graceMs: number): Promise<'stopped' | 'killed' | 'not running'> {
  let outcome: 'stopped' | 'killed' | 'not running' = 'not running';
  if (isRunning(record) && graceMs === 0) {
    signalGroup(record.pid, 'SIGKILL');
    outcome = 'killed';
    while (isRunning(record)) await sleep(100);
  } else if (isRunning(record)) {
    signalGroup(record.pid, 'SIGTERM');
    outcome = 'stopped';
    const deadline = Date.now() + graceMs;
    while (isRunning(record) && Date.now() < deadline) await sleep(200);
    if (isRunning(record)) {
      signalGroup(record.pid, 'SIGKILL');
      outcome = 'killed';
      while (isRunning(record)) await sleep(100);
    }
  }
  fs.rmSync(recordPath(dataDir, record.name), { force: true });
  return outcome;
}

/** The last lines of a log file, for failure reports. */
export function tail(file: string, lines = 20): string {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.split('\n').slice(-lines - 1).join('\n');
  } catch {
    return `(no log at ${file})`;
  }
}

/**
 * The line of a server's log that says why it stopped: the last exception or error line, without the
 * stack trace under it; undefined when the log names none.
 */
export function failureLine(logText: string): string | undefined {
  const lines = logText.split('\n').map((line) => line.trim()).filter(Boolean);
  const exception = lines.filter((line) => /^[\w.$]+(Exception|Error)(: |$)/.test(line)).at(-1);
  const error = exception ?? lines.filter((line) => /\b(ERROR|FATAL|fatal|panic)\b/.test(line)).at(-1);
  return error?.replace(/^[\w.$]*\.(?=\w+(Exception|Error)\b)/, '');
}
