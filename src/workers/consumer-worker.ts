// Process entry point: `npm run worker:consumer`. Consumes Kafka and writes batches to Cassandra through Temporal.
import { createKafka } from '../kafka/client';
import { PipelineCounters } from '../metrics/pipeline-counters';
import { runWorkerProcess } from './run-process';
import { startSinkWorker } from './sink';

runWorkerProcess('consumer', (config) => startSinkWorker({ config, kafka: createKafka(config.kafka), counters: new PipelineCounters() }));
