// Process entry point: `npm run worker:ingest`. Runs slot workflows and their fetch/publish activities.
import { createKafka } from '../kafka/client';
import { createSourceClient } from '../source/client';
import { startIngestWorker } from './ingest';
import { runWorkerProcess } from './run-process';

runWorkerProcess('ingest', async (config, counters) => {
  if (!config.source.url) throw new Error('SOURCE_URL is not set: a standalone ingest worker needs the source API address (e.g. https://randomuser.me/api/)');
  const source = createSourceClient({ baseUrl: config.source.url, timeoutMs: config.source.timeoutMs, maxResponseBytes: config.source.maxResponseBytes });
  return startIngestWorker({ config, kafka: createKafka(config.kafka), source, counters });
});
