import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';

/**
 * Runs `work` under V8's CPU profiler in this process and writes the profile (`.cpuprofile`, the format
 * `--cpu-prof` writes) to `dir/name`: how the ceiling writer's own CPU is spent, next to the sink
 * worker's profiles.
 */
export async function profiled<T>(dir: string | undefined, name: string, work: () => Promise<T>): Promise<T> {
  if (!dir) return work();
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    const result = await work();
    const { profile } = await session.post('Profiler.stop');
    fs.writeFileSync(path.join(dir, name), JSON.stringify(profile));
    return result;
  } finally {
    session.disconnect();
  }
}
