import { WorkerProcess } from './worker-process';

type Kind = Parameters<typeof WorkerProcess.start>[0];

/**
 * The worker processes one test starts for its pipeline: each started with the pipeline's environment
 * (plus the test's own settings), all of them stopped when the test ends, whatever state it left.
 */
export class WorkerFleet {
  readonly processes: WorkerProcess[] = [];

  constructor(private readonly env: () => Record<string, string>) {}

  async start(kind: Kind, env: Record<string, string> = {}): Promise<WorkerProcess> {
    const worker = await WorkerProcess.start(kind, { ...this.env(), ...env });
    this.processes.push(worker);
    return worker;
  }

  /** The one process of this kind still running (the latest started). */
  live(kind: Kind): WorkerProcess {
    const running = this.processes.filter((w) => w.kind === kind && !w.exit);
    if (running.length === 0) throw new Error(`no ${kind} process is running`);
    return running[running.length - 1]!;
  }

  async stopAll(): Promise<void> {
    for (const worker of this.processes) await worker.stop().catch(() => undefined);
  }
}
