import { loadDotEnv } from '../config/dot-env';
import { ConfigError } from '../config/parse-env';
import { loadPipelineConfig, type PipelineConfig } from '../config/pipeline-config';
import { installRuntimeWithMetrics } from '../metrics/install-runtime';
import { PipelineCounters } from '../metrics/pipeline-counters';
import { openPipelineClients, type PipelineClients } from '../pipeline/clients';
import { describeStartupError } from '../pipeline/startup-error';
import type { RunningWorker } from './run-worker';
import { untilAborted } from './run-worker';
import { handleStopSignals, uncommittedLine } from './stop-signals';

export interface WorkerProcessContext {
  config: PipelineConfig;
  counters: PipelineCounters;
  clients: PipelineClients;
}

/**
 * Shared body of the deployable worker processes: parse configuration once, build the process's
 * clients once (one Temporal connection), waiting for servers that are down, start, and on
 * SIGINT/SIGTERM stop within SHUTDOWN_GRACE, close the clients and exit 0. Bad configuration is one
 * line and exit code 1.
 */
export function runWorkerProcess(name: string, needs: { cassandra: boolean }, start: (context: WorkerProcessContext) => Promise<RunningWorker>): void {
  let running: RunningWorker | undefined;
  let clients: PipelineClients | undefined;
  let config: PipelineConfig | undefined;
  const log = (line: string) => console.log(line);
  const main = async () => {
    loadDotEnv();
    config = loadPipelineConfig();
    const graceMs = config.shutdown.graceMs;
    const stopping = handleStopSignals({
      graceMs,
      log,
      stop: async (signal, abandon) => {
        if (!running) {
          log(`${signal}: ${name} worker stopped before it started`);
          return;
        }
        log(`${signal}: ${name} worker finishing in-flight work, at most ${graceMs / 1000} s (SHUTDOWN_GRACE; again to exit now)…`);
        await running.stop(abandon);
        if (running.uncommitted) log(`${name} worker stopped: ${uncommittedLine(running.uncommitted(), graceMs)}`);
        await Promise.race([clients?.close(), untilAborted(abandon)]);
      },
    });
    const counters = new PipelineCounters();
    const metrics = await installRuntimeWithMetrics(config, counters);
    clients = await openPipelineClients(config, needs, { log, signal: stopping });
    running = await start({ config, counters, clients });
    console.log(`${name} worker running${metrics.metricsUrl ? `, metrics at ${metrics.metricsUrl}` : ''} (Ctrl-C to stop)`);
    await running.done;
  };
  main().catch((error: unknown) => {
    if (error instanceof Error && error.message.startsWith('stopped by SIG')) return; // the stop handler exits
    console.error(`error: ${error instanceof ConfigError ? error.message : describeStartupError(error, config)}`);
    process.exit(1);
  });
}
