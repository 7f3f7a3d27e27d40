// Process entry point: `npm run worker:ingest`. Runs slot workflows and their fetch/publish activities.
import { createSourceClient } from '../source/client';
import { startIngestWorker } from './ingest';
import { asWorkerProcess, runProcess } from './run-process';

runProcess({
  name: 'ingest worker',
  needs: { cassandra: false },
  metrics: true,
  start: async (context) => {
    const { config, counters, clients } = context;
    const { url } = config.source;
    if (!url) throw new Error('SOURCE_URL is not set: a standalone ingest worker needs the source API address (e.g. https://randomuser.me/api/)');
    const source = createSourceClient({ ...config.source, url });
    const worker = await startIngestWorker({ config, counters, temporal: clients.temporal, kafka: clients.kafka, source, whenKafkaUp: clients.whenKafkaUp });
    return asWorkerProcess('ingest worker', worker, context);
  },
});
