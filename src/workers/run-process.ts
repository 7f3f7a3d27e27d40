import { loadDotEnv } from '../config/dot-env';
import { ConfigError } from '../config/parse-env';
import { loadPipelineConfig, type PipelineConfig } from '../config/pipeline-config';
import { installRuntimeWithMetrics } from '../metrics/install-runtime';
import { PipelineCounters } from '../metrics/pipeline-counters';
import { openPipelineClients, type PipelineClients } from '../pipeline/clients';
import { describeStartupError } from '../pipeline/startup-error';
import type { RunningWorker } from './run-worker';

export interface WorkerProcessContext {
  config: PipelineConfig;
  counters: PipelineCounters;
  clients: PipelineClients;
}

/**
 * Shared body of the deployable worker processes: parse configuration once, build the process's
 * clients once (one Temporal connection), start, and on SIGINT/SIGTERM stop gracefully, close the
 * clients and exit 0. Bad configuration is one line and exit code 1.
 */
export function runWorkerProcess(name: string, needs: { cassandra: boolean }, start: (context: WorkerProcessContext) => Promise<RunningWorker>): void {
  let running: RunningWorker | undefined;
  let config: PipelineConfig | undefined;
  const main = async () => {
    loadDotEnv();
    config = loadPipelineConfig();
    const counters = new PipelineCounters();
    const metrics = await installRuntimeWithMetrics(config, counters);
    const clients = await openPipelineClients(config, needs);
    running = await start({ config, counters, clients });
    console.log(`${name} worker running${metrics.metricsUrl ? `, metrics at ${metrics.metricsUrl}` : ''} (Ctrl-C to stop)`);
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      console.log(`${signal}: ${name} worker finishing in-flight work…`);
      await running?.stop();
      await clients.close();
      process.exit(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
    await running.done;
  };
  main().catch((error: unknown) => {
    console.error(`error: ${error instanceof ConfigError ? error.message : describeStartupError(error, config)}`);
    process.exit(1);
  });
}
