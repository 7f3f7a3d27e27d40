import { Client, Connection } from '@temporalio/client';
import { loadPipelineConfig, usesExternalServers } from './config/pipeline-config';
import { ConfigError } from './config/parse-env';
import { loadDotEnv } from './config/dot-env';
import { createKafka } from './kafka/client';
import { installRuntimeWithMetrics } from './metrics/install-runtime';
import { PipelineCounters } from './metrics/pipeline-counters';
import { preparePipeline } from './pipeline/prepare';
import { createSourceClient } from './source/client';
import { startSourceServer } from './source/server';
import { loadStackSettings } from './stack/settings';
import { localStackEnv } from './stack/local-env';
import { stackServices, stackUp } from './stack/stack';
import { temporalConnectionOptions } from './temporal/connection-options';
import { describeStartupError } from './workers/startup-error';
import { startIngestWorker } from './workers/ingest';
import { startSinkWorker } from './workers/sink';

const log = (line: string) => console.log(line);

/**
 * `npm start`: the whole pipeline in one process on the embedded local default, or against the
 * servers named by TEMPORAL_ADDRESS, KAFKA_BROKERS and CASSANDRA_CONTACT_POINTS.
 */
async function main(): Promise<void> {
  loadDotEnv();
  const external = usesExternalServers();
  const config = loadPipelineConfig(external ? process.env : { ...localStackEnv(loadStackSettings()), ...process.env });
  const counters = new PipelineCounters();
  const metrics = await installRuntimeWithMetrics(config, counters);

  if (external) {
    log(`servers: Temporal ${config.temporal.address}, Kafka ${config.kafka.brokers.join(',')}, Cassandra ${config.cassandra.contactPoints.join(',')} (no local stack)`);
  } else {
    const settings = loadStackSettings();
    await stackUp(settings, (message) => log(`[stack] ${message}`));
    for (const service of stackServices(settings)) for (const line of service.addresses(settings)) log(`${service.name.padEnd(10)} ${line}`);
  }

  let sourceUrl: string;
  let closeSource = async () => {};
  if (config.source.url) {
    sourceUrl = config.source.url;
    log(`source: ${sourceUrl} (SOURCE_URL)`);
  } else {
    const server = await startSourceServer({ host: '127.0.0.1', port: config.source.localServerPort });
    sourceUrl = server.url;
    closeSource = server.close;
    log(`source: the project's randomuser-compatible server at ${sourceUrl} (set SOURCE_URL=https://randomuser.me/api/ for the public API)`);
  }

  const kafka = createKafka(config.kafka);
  const connection = await Connection.connect(temporalConnectionOptions(config.temporal));
  const temporal = new Client({ connection, namespace: config.temporal.namespace });
  await preparePipeline({ config, kafka, temporal, log });

  const source = createSourceClient({ baseUrl: sourceUrl, timeoutMs: config.source.timeoutMs, maxResponseBytes: config.source.maxResponseBytes });
  const ingest = await startIngestWorker({ config, kafka, source, counters });
  const sink = await startSinkWorker({ config, kafka, counters });
  if (metrics.metricsUrl) log(`metrics: ${metrics.metricsUrl} (Prometheus; the Temporal SDK's runtime metrics included)`);
  log(`workers: ingest on task queue ${config.temporal.ingestTaskQueue}, consumer (group ${config.kafka.consumerGroup}) on ${config.temporal.sinkTaskQueue}; Ctrl-C to stop`);

  const stopStatus = showStatus(counters);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    stopStatus();
    log(`\n${signal}: finishing the batch in flight and committing its offsets…`);
    await sink.stop();
    await ingest.stop();
    await connection.close();
    await closeSource();
    await metrics.close();
    log('stopped; the local stack keeps running (npm run stack -- down to stop it)');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  await Promise.race([ingest.done, sink.done]);
  if (!stopping) throw new Error('a worker stopped unexpectedly');
}

/** A status line refreshed every second on a terminal, or a line every 10 s in a log. */
function showStatus(counters: PipelineCounters): () => void {
  const interactive = process.stdout.isTTY === true;
  const render = () =>
    `slots ${counters.slotsRun} · fetched ${counters.usersFetched} · published ${counters.usersPublished} · written ${counters.rowsWritten} (${counters.batchesWritten} batches) · DLQ ${counters.deadLettered} · lag ${counters.consumerLag ?? '?'}`;
  const timer = setInterval(() => {
    if (interactive) process.stdout.write(`\r\x1b[2K${render()}`);
    else console.log(render());
  }, interactive ? 1000 : 10_000);
  return () => clearInterval(timer);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(`error: ${error.message}`);
  else console.error(`error: ${describeStartupError(error)}`);
  process.exit(1);
});
