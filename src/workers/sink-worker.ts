// Process entry point: `npm run worker:sink`. Consumes Kafka and writes batches to Cassandra through Temporal.
import { asWorkerProcess, runProcess } from './run-process';
import { startSinkWorker } from './sink';

runProcess({
  name: 'sink worker',
  needs: { cassandra: true },
  metrics: true,
  start: async (context) => {
    const { config, counters, clients } = context;
    const worker = await startSinkWorker({ config, counters, temporal: clients.temporal, kafka: clients.kafka, cassandra: clients.cassandra!, whenKafkaUp: clients.whenKafkaUp, kafkaOutage: clients.kafkaOutage });
    return asWorkerProcess('sink worker', worker, context);
  },
});
