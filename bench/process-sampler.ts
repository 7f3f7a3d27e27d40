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
function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
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
      for (const [name, used] of last) cores[name] = Math.round(((used - (first.get(name) ?? used)) / wallSeconds) * 100) / 100;
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
