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
  read();
  const timer = setInterval(read, everyMs);
  return {
    stop() {
      read();
      clearInterval(timer);
      return { peakRssMb: Math.round((peakKb / 1024) * 10) / 10 };
    },
  };
}
