// Process entry point: `npm run worker:sink`. Consumes Kafka and writes batches to Cassandra through Temporal.
import { runWorkerProcess } from './run-process';
import { startSinkWorker } from './sink';

runWorkerProcess('sink', { cassandra: true }, ({ config, counters, clients }) =>
  startSinkWorker({ config, counters, temporal: clients.temporal, kafka: clients.kafka, cassandra: clients.cassandra!, whenKafkaUp: clients.whenKafkaUp }),
);
