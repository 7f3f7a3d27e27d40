import { Runtime } from '@temporalio/worker';
import { PipelineLogger, type PipelineLoggerOptions } from '../logging/pipeline-logger';
import type { PipelineConfig } from '../config/pipeline-config';
import { observeGcPauses } from './gc-pauses';
import { startMetricsServer } from './metrics-server';
import type { PipelineCounters } from './pipeline-counters';

/**
 * Installs the Temporal worker runtime once per process, its messages through PipelineLogger at LOG_LEVEL
 * and LOG_FORMAT. With `metrics` (the workers), it exports the SDK's metrics on loopback at METRICS_PORT + 1,
 * and METRICS_PORT serves ours (the garbage collector's pauses included) and the SDK's; a one-shot job
 * (the prepare job) gets the logger alone.
 */
export async function installRuntime(
  config: PipelineConfig,
  counters: PipelineCounters,
  options: { processName: string; metrics: boolean; outages?: PipelineLoggerOptions['outages'] },
): Promise<{ metricsUrl?: string; close(): Promise<void> }> {
  const { host } = config.metrics;
  const port = options.metrics ? config.metrics.port : 0;
  const sdkAddress = port > 0 ? `127.0.0.1:${port + 1}` : undefined;
  Runtime.install({
    logger: new PipelineLogger({ level: config.log.level, format: config.log.format, process: options.processName, ...(options.outages ? { outages: options.outages } : {}) }),
    // The process stops its workers itself, in order (the consumer drains its batches while the workers
    // that write them still run); the SDK's own handlers would shut every worker down at once on Ctrl-C.
    shutdownSignals: [],
    telemetryOptions: {
      // The SDK's native core logs (e.g. its own gRPC retries while Temporal is down) go through the same
      // logger, instead of straight to stderr with a line per retry.
      logging: { filter: { core: config.log.level === 'DEBUG' ? 'DEBUG' : 'WARN', other: 'ERROR' }, forward: {} },
      ...(sdkAddress ? { metrics: { prometheus: { bindAddress: sdkAddress } } } : {}),
    },
  });
  if (port === 0) return { close: async () => {} };
  const gc = observeGcPauses();
  const server = await startMetricsServer({ port, host, counters, topic: config.kafka.topic, sdkMetricsUrl: `http://${sdkAddress}/metrics`, gc });
  return {
    metricsUrl: server.url,
    close: async () => {
      gc.stop();
      await server.close();
    },
  };
}
