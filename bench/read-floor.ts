import { spawn } from 'node:child_process';
import path from 'node:path';

/** What a process spends per row before any write: kafkajs reading alone, and reading plus the sink's cut. */
export interface ReadFloor {
  /** µs of CPU a row, for a bare kafkajs reader with the sink's fetch settings. */
  readUsPerRow: number;
  /** The same, also cutting each fetch into rows with the sink's compiled code (bench/read-floor-child.ts). */
  cutUsPerRow: number;
}

/** Runs the bare reader in `mode` as a process launched as the sink worker is (`launch`), on the pipeline's settings (`env`). */
async function readOnce(mode: 'read' | 'cut', records: number, launch: { env: Record<string, string>; flags: string[] }, env: Record<string, string>): Promise<number> {
  const child = spawn(process.execPath, [...launch.flags, '--import', 'tsx', path.join(__dirname, 'read-floor-child.ts'), mode, String(records)], {
    env: { ...process.env, ...launch.env, ...env, KAFKAJS_NO_PARTITIONER_WARNING: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d));
  child.stderr!.on('data', (d: Buffer) => (err += d));
  // It reads what the bench preloaded; one that has not in five minutes is stuck.
  const stuck = setTimeout(() => child.kill('SIGKILL'), 5 * 60_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve)).finally(() => clearTimeout(stuck));
  const line = out.trim().split('\n').at(-1) ?? '';
  if (code !== 0 || !line.startsWith('{')) throw new Error(`the bare reader (${mode}) exited ${code}: ${err.trim().split('\n').at(-1) ?? ''}`);
  return (JSON.parse(line) as { cpuUsPerRow: number }).cpuUsPerRow;
}

/** The floor under the sink worker's CPU a row that the Kafka client and the row's preparation set. */
export async function measureReadFloor(records: number, launch: { env: Record<string, string>; flags: string[] }, env: Record<string, string>): Promise<ReadFloor> {
  return { readUsPerRow: await readOnce('read', records, launch, env), cutUsPerRow: await readOnce('cut', records, launch, env) };
}
