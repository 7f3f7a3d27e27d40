// Process entry point: `npm run worker:consumer`. Consumes Kafka and writes batches to Cassandra through Temporal.
import { createKafka } from '../kafka/client';
import { runWorkerProcess } from './run-process';
import { startSinkWorker } from './sink';

runWorkerProcess('consumer', (config, counters) => startSinkWorker({ config, kafka: createKafka(config.kafka), counters }));
