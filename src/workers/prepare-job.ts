// Process entry point: `npm run prepare:pipeline`. One-shot start-up for deployments (docker compose's
// `pipeline-init`): applies cql/, creates the topics and brings the schedule up to date, then exits 0.
import { preparePipeline } from '../pipeline/prepare';
import { runProcess } from './run-process';

runProcess({
  name: 'prepare job',
  needs: { cassandra: true },
  metrics: false,
  oneShot: true,
  beforeClients: async ({ config, log }) => {
    log(`preparing the pipeline: Temporal ${config.temporal.address} (namespace ${config.temporal.namespace}), Kafka ${config.kafka.brokers.join(',')}, Cassandra ${config.cassandra.contactPoints.join(',')}`);
  },
  start: async ({ config, clients, log }) => {
    const done = preparePipeline({ config, kafka: clients.kafka, cassandra: clients.cassandra!, temporal: clients.temporal.client, log }).then(() => log('pipeline prepared: the workers can start'));
    return { done, stop: async () => undefined };
  },
});
