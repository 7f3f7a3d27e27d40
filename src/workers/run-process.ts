import { loadDotEnv } from '../config/dot-env';
import { ConfigError } from '../config/parse-env';
import { loadPipelineConfig, type PipelineConfig } from '../config/pipeline-config';
import { exitWhenDrained } from '../logging/exit-when-drained';
import { installRuntime } from '../metrics/install-runtime';
import { applyLogFormat, requestedLogFormat } from '../logging/log-lines';
import { PipelineCounters } from '../metrics/pipeline-counters';
import { openPipelineClients, type PipelineClients } from '../pipeline/clients';
import { ProcessOutages } from '../servers/process-outages';
import { describeStartupError } from '../pipeline/startup-error';
import { raceAbort } from '../concurrency/race-abort';
import type { RunningWorker } from './run-worker';
import { handleStopSignals, uncommittedLine } from './stop-signals';

export interface ProcessContext {
  config: PipelineConfig;
  counters: PipelineCounters;
  clients: PipelineClients;
  log: (line: string) => void;
  /** Aborted at the first stop signal: for the waits a process does before it runs. */
  stopping: AbortSignal;
  /** The metrics endpoint, when it serves. */
  metricsUrl?: string;
}

/** What a process runs once its clients are up. */
export interface RunningProcess {
  /** Settles when the work ends by itself: a one-shot job's end, or a worker that failed. */
  done: Promise<unknown>;
  /** The first stop signal: stop taking work and wait for what is in flight, until `abandon` is aborted. */
  stop(signal: NodeJS.Signals, abandon: AbortSignal): Promise<void>;
}

export interface ProcessSpec {
  /** How its lines name the process, e.g. `sink worker`. */
  name: string;
  needs: { cassandra: boolean };
  /** Its configuration; from the environment (and `.env`) by default. */
  config?: () => PipelineConfig;
  /** Serve METRICS_PORT and the Temporal SDK's metrics (worker processes); off for a one-shot job. */
  metrics: boolean;
  /** Runs before the clients connect (e.g. the local stack); returns what to close when the process ends. */
  beforeClients?: (context: { config: PipelineConfig; log: (line: string) => void }) => Promise<(() => Promise<void>) | void>;
  start(context: ProcessContext): Promise<RunningProcess>;
  /** A one-shot job: once `done`, close everything and exit 0 with its output out. */
  oneShot?: boolean;
}

/**
 * The one start-up of every process (`npm start`, both workers, the prepare job): configuration parsed
 * once, stop signals handled before anything waits (a bounded stop, a second signal exits at once), the
 * metrics, the process's clients built once (waiting for servers that are down), then its work. A bad
 * setting or a failed start is one line and exit code 1.
 */
export function runProcess(spec: ProcessSpec): void {
  const log = (line: string) => console.log(line);
  const closers: (() => Promise<void>)[] = [];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  };
  let running: RunningProcess | undefined;
  let config: PipelineConfig | undefined;

  const main = async () => {
    loadDotEnv();
    applyLogFormat(requestedLogFormat(process.env), spec.name);
    const settings = (config = spec.config ? spec.config() : loadPipelineConfig());
    const stopping = handleStopSignals({
      graceMs: settings.shutdown.graceMs,
      log,
      stop: async (signal, abandon) => {
        if (running) await running.stop(signal, abandon);
        else log(`${signal}: ${spec.name} stopped before it started`);
        await raceAbort(closeAll(), abandon);
      },
    });
    const counters = new PipelineCounters();
    // One outage log per server for the whole process: its waits and its libraries' lines share it.
    const outages = new ProcessOutages(settings, log, settings.log.level === 'DEBUG');
    const metrics = await installRuntime(settings, counters, { processName: spec.name, metrics: spec.metrics, outages });
    closers.push(metrics.close);
    const closeEarly = await spec.beforeClients?.({ config: settings, log });
    if (closeEarly) closers.push(closeEarly);
    const clients = await openPipelineClients(settings, spec.needs, { log, signal: stopping, outages });
    closers.push(() => clients.close());
    running = await spec.start({ config: settings, counters, clients, log, stopping, ...(metrics.metricsUrl ? { metricsUrl: metrics.metricsUrl } : {}) });
    await running.done;
    if (spec.oneShot) {
      await closeAll();
      exitWhenDrained(0);
    } else if (!stopping.aborted) {
      throw new Error(`the ${spec.name} stopped unexpectedly`);
    }
  };

  main().catch((error: unknown) => {
    if (error instanceof Error && error.message.startsWith('stopped by SIG')) return; // the stop handler exits
    console.error(`error: ${error instanceof ConfigError ? error.message : describeStartupError(error, config)}`);
    // A client may wait on a server that is gone; the exit does not wait for it long.
    void Promise.race([closeAll(), new Promise((resolve) => setTimeout(resolve, CLOSE_ON_FAILURE_MS).unref())]).finally(() => exitWhenDrained(1));
  });
}

/** How long a failed process waits for its clients to close before it exits anyway. */
const CLOSE_ON_FAILURE_MS = 5000;

/**
 * A worker process's work: its stop says what it finishes and, for the sink, what it left uncommitted.
 * Lines read `SIGTERM: sink worker finishing in-flight work, at most 30 s (SHUTDOWN_GRACE; again to exit now)…`.
 */
export function asWorkerProcess(name: string, worker: RunningWorker, context: Pick<ProcessContext, 'config' | 'log' | 'metricsUrl'>): RunningProcess {
  const graceMs = context.config.shutdown.graceMs;
  context.log(`${name} running${context.metricsUrl ? `, metrics at ${context.metricsUrl}` : ''} (Ctrl-C to stop)`);
  return {
    done: worker.done,
    async stop(signal, abandon) {
      context.log(`${signal}: ${name} finishing in-flight work, at most ${graceMs / 1000} s (SHUTDOWN_GRACE; again to exit now)…`);
      await worker.stop(abandon);
      if (worker.uncommitted) context.log(`${name} stopped: ${uncommittedLine(worker.uncommitted(), graceMs)}`);
    },
  };
}
