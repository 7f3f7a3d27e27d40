import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { compiledEntry } from './compiled';
import { waitFor } from './isolated-pipeline';

const ROOT = path.resolve(__dirname, '..', '..');
const ENTRY = { ingest: 'workers/ingest-worker', sink: 'workers/sink-worker', 'npm start': 'main', prepare: 'workers/prepare-job' } as const;
/** The line each prints once it runs (the prepare job: once it is done). */
export const READY: Record<keyof typeof ENTRY, string> = { ingest: 'ingest worker running', sink: 'sink worker running', 'npm start': 'Ctrl-C to stop', prepare: 'pipeline prepared' };

/**
 * A worker of the pipeline as its own OS process (`npm run worker:ingest` / `worker:sink`), so a
 * test can kill it the hard way. Every line it prints is kept; an exit the test did not cause counts
 * as a crash.
 */
export class WorkerProcess {
  readonly lines: string[] = [];
  /** What it printed on stderr alone (also in `lines`). */
  readonly stderrLines: string[] = [];
  exit?: { code: number | null; signal: NodeJS.Signals | null };
  private killedByTest = false;
  private readonly exited: Promise<void>;

  private constructor(readonly kind: keyof typeof ENTRY, private readonly child: ChildProcess) {
    let partial = '';
    const collect = (chunk: Buffer) => {
      partial += chunk.toString('utf8');
      const parts = partial.split('\n');
      partial = parts.pop()!;
      this.lines.push(...parts);
    };
    let partialErr = '';
    child.stdout!.on('data', collect);
    child.stderr!.on('data', (chunk: Buffer) => {
      collect(chunk);
      partialErr += chunk.toString('utf8');
      const parts = partialErr.split('\n');
      partialErr = parts.pop()!;
      this.stderrLines.push(...parts);
    });
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => {
      if (partial) this.lines.push(partial);
      if (partialErr) this.stderrLines.push(partialErr);
      this.exit = { code, signal };
      resolve();
    }));
  }

  /** Starts the process without waiting for it to be ready (for starts that are meant to fail). */
  static async spawn(kind: keyof typeof ENTRY, env: Record<string, string>, options: { netns?: string } = {}): Promise<WorkerProcess> {
    // The compiled code, on the workflow bundle built with it, as `npm start` and the image run them.
    // On a worker host of its own (test/support/worker-hosts.ts), inside that host's network namespace.
    const command = [process.execPath, await compiledEntry(ENTRY[kind])];
    const [file, ...args] = options.netns ? ['ip', 'netns', 'exec', options.netns, ...command] : command;
    const child = spawn(file!, args, {
      cwd: ROOT,
      // No metrics endpoint unless the test asks for one.
      env: { ...process.env, METRICS_PORT: '0', KAFKAJS_NO_PARTITIONER_WARNING: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new WorkerProcess(kind, child);
  }

  static async start(kind: keyof typeof ENTRY, env: Record<string, string>, options: { netns?: string } = {}): Promise<WorkerProcess> {
    const worker = await WorkerProcess.spawn(kind, env, options);
    const outcome = await waitFor(`the ${kind} worker to start`, async () => {
      if (worker.exit) return 'exited';
      return worker.lines.some((line) => line.includes(READY[kind])) && 'running';
    }, 120_000, 100);
    if (outcome === 'exited') throw new Error(`the ${kind} worker exited at start: ${worker.lines.slice(-3).join(' | ')}`);
    return worker;
  }

  /** Resolves when the process has exited on its own, or after `timeoutMs` (then it is killed). */
  async waitForExit(timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
    return this.exit!;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** SIGKILL: no shutdown hook runs, nothing is drained or committed. */
  async kill9(): Promise<void> {
    this.killedByTest = true;
    this.child.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM (or Ctrl-C's SIGINT), as an operator stopping it; resolves with its exit code (0 when it drained cleanly). */
  async stop(timeoutMs = 60_000, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (!this.exit) {
      this.killedByTest = true;
      this.child.kill(signal);
      const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
      await this.exited;
      clearTimeout(timer);
    }
    return this.exit!.code;
  }

  /** Sends a signal and returns at once (a Ctrl-C whose outcome the test waits for itself). */
  signal(signal: NodeJS.Signals): void {
    this.killedByTest = true;
    this.child.kill(signal);
  }

  /** True when the process ended without the test stopping or killing it. */
  get crashed(): boolean {
    return this.exit !== undefined && !this.killedByTest;
  }
}
