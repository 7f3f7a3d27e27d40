import fs from 'node:fs';

/** Samples a process's resident memory from /proc while it runs; reports the peak (VmHWM when readable). */
export function sampleRss(pid: number, everyMs = 250): { stop(): { peakRssMb: number } } {
  let peakKb = 0;
  const read = () => {
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
      const rss = /VmRSS:\s+(\d+) kB/.exec(status);
      peakKb = Math.max(peakKb, Number(hwm?.[1] ?? 0), Number(rss?.[1] ?? 0));
    } catch {
      /* process gone */
    }
  };
  const stopReading = readEvery(read, everyMs);
  return {
    stop() {
      stopReading();
      return { peakRssMb: Math.round((peakKb / 1024) * 10) / 10 };
    },
  };
}

/** Calls `read` now and every `everyMs` until the returned stop, which reads once more. */
function readEvery(read: () => void, everyMs: number): () => void {
  read();
  const timer = setInterval(read, everyMs);
  return () => {
    clearInterval(timer);
    read();
  };
}

/** CPU seconds (user + system, all threads) a process has used so far, or undefined once it is gone. */
function cpuSeconds(pid: number, statFile = `/proc/${pid}/stat`): number | undefined {
  try {
    const stat = fs.readFileSync(statFile, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticksPerSecond = 100; // USER_HZ: the unit of these fields on Linux
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return undefined;
  }
}

/**
 * How many cores each named process used over a phase of a bench: CPU seconds / wall seconds.
 * A process that exits during the phase counts up to its last reading.
 */
export function sampleCpu(pids: Record<string, number>, everyMs = 500): { stop(): Record<string, number> } {
  const started = Date.now();
  const first = new Map<string, number>();
  const last = new Map<string, number>();
  const read = () => {
    for (const [name, pid] of Object.entries(pids)) {
      const used = cpuSeconds(pid);
      if (used === undefined) continue;
      if (!first.has(name)) first.set(name, used);
      last.set(name, used);
    }
  };
  const stopReading = readEvery(read, everyMs);
  return {
    stop() {
      stopReading();
      const wallSeconds = Math.max(0.001, (Date.now() - started) / 1000);
      const cores: Record<string, number> = {};
      // To 1/10 000 of a core: a short run (the smoke test's 300 rows) uses a few ms of a server's CPU,
      // which two decimals would round to nothing.
      for (const [name, used] of last) cores[name] = Math.round(((used - (first.get(name) ?? used)) / wallSeconds) * 10_000) / 10_000;
      return cores;
    },
  };
}

/**
 * Waits until the named processes together use less than `maxCores` over a one-second window (or
 * `timeoutMs` passes), so a timed run does not pay for the flushes and compactions of the one before
 * it. Returns the seconds waited and the last window's cores.
 */
export async function waitForQuiet(pids: Record<string, number>, options: { maxCores: number; timeoutMs: number }): Promise<{ seconds: number; cores: number }> {
  const started = Date.now();
  for (;;) {
    const cpu = sampleCpu(pids, 1000);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const cores = Object.values(cpu.stop()).reduce((sum, c) => sum + c, 0);
    const seconds = (Date.now() - started) / 1000;
    if (cores < options.maxCores || Date.now() - started > options.timeoutMs) return { seconds: Math.round(seconds), cores: Math.round(cores * 100) / 100 };
  }
}

/** CPU seconds each group of a process's threads has used so far, by thread name (`/proc/<pid>/task/<tid>/comm`). */
function threadCpuSeconds(pid: number): Map<string, number> {
  const byName = new Map<string, number>();
  let tids: string[] = [];
  try {
    tids = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return byName;
  }
  for (const tid of tids) {
    try {
      const name = fs.readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      const used = cpuSeconds(Number(tid), `/proc/${pid}/task/${tid}/stat`) ?? 0;
      const group = threadGroup(name, tid === String(pid));
      byName.set(group, (byName.get(group) ?? 0) + used);
    } catch {
      /* thread gone */
    }
  }
  return byName;
}

/**
 * Pure: the role of a Node process's thread: its main thread (JavaScript, and the collector's pauses),
 * Node's unnamed helpers (V8's concurrent marking and compilation, libuv's pool), the Temporal SDK's
 * Rust core (tokio threads), or another named thread.
 */
export function threadGroup(name: string, isMain: boolean): string {
  if (isMain) return 'main';
  if (name === 'node') return 'node helpers';
  if (/^tokio/.test(name)) return 'temporal core';
  return name;
}

/**
 * How many cores each group of a process's threads used over a phase (see threadGroup): where a
 * worker's CPU goes beyond its JavaScript thread, which a CPU profile does not show.
 */
export function sampleThreadCpu(pid: number): { stop(): Record<string, number> } {
  const started = Date.now();
  const first = threadCpuSeconds(pid);
  let last = first;
  const timer = setInterval(() => {
    const now = threadCpuSeconds(pid);
    if (now.size > 0) last = now;
  }, 500);
  return {
    stop() {
      clearInterval(timer);
      const now = threadCpuSeconds(pid);
      if (now.size > 0) last = now;
      const wallSeconds = Math.max(0.001, (Date.now() - started) / 1000);
      const cores: Record<string, number> = {};
      for (const [group, used] of last) cores[group] = Math.round(((used - (first.get(group) ?? 0)) / wallSeconds) * 100) / 100;
      return cores;
    },
  };
}
