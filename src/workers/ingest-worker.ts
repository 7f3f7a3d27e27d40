// Process entry point: `npm run worker:ingest`. Runs slot workflows and their fetch/publish activities.
import { createSourceClient } from '../source/client';
import { startIngestWorker } from './ingest';
import { runWorkerProcess } from './run-process';

runWorkerProcess('ingest', { cassandra: false }, async ({ config, counters, clients }) => {
  if (!config.source.url) throw new Error('SOURCE_URL is not set: a standalone ingest worker needs the source API address (e.g. https://randomuser.me/api/)');
  const source = createSourceClient({ baseUrl: config.source.url, timeoutMs: config.source.timeoutMs, maxResponseBytes: config.source.maxResponseBytes });
  return startIngestWorker({ config, counters, temporal: clients.temporal, kafka: clients.kafka, source, whenKafkaUp: clients.whenKafkaUp });
});
