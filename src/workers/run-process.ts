import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadDotEnv } from '../config/dot-env';
import { ConfigError } from '../config/parse-env';
import { loadPipelineConfig, type PipelineConfig } from '../config/pipeline-config';
import type { RunningWorker } from './ingest';

/**
 * Shared body of the deployable worker processes: parse configuration once, start, and on
 * SIGINT/SIGTERM stop gracefully and exit 0. Bad configuration is one line and exit code 1.
 */
export function runWorkerProcess(name: string, start: (config: PipelineConfig) => Promise<RunningWorker>): void {
  let running: RunningWorker | undefined;
  const main = async () => {
    loadDotEnv();
    const config = loadPipelineConfig();
    Runtime.install({ logger: new DefaultLogger('WARN') });
    running = await start(config);
    console.log(`${name} worker running (Ctrl-C to stop)`);
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      console.log(`${signal}: ${name} worker finishing in-flight work…`);
      await running?.stop();
      process.exit(0);
    };
    process.on('SIGINT', () => void stop('SIGINT'));
    process.on('SIGTERM', () => void stop('SIGTERM'));
    await running.done;
  };
  main().catch((error: unknown) => {
    console.error(`error: ${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
