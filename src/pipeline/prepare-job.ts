// Process entry point: `npm run prepare:pipeline`. One-shot start-up for deployments (docker compose's
// `pipeline-init`): applies cql/, creates the topics and brings the schedule up to date, then exits 0.
import { loadDotEnv } from '../config/dot-env';
import { loadPipelineConfig } from '../config/pipeline-config';
import { exitWhenDrained } from '../logging/exit-when-drained';
import { openPipelineClients } from './clients';
import { preparePipeline } from './prepare';

async function main(): Promise<void> {
  loadDotEnv();
  const config = loadPipelineConfig();
  console.log(`preparing the pipeline: Temporal ${config.temporal.address} (namespace ${config.temporal.namespace}), Kafka ${config.kafka.brokers.join(',')}, Cassandra ${config.cassandra.contactPoints.join(',')}`);
  const clients = await openPipelineClients(config, { cassandra: true });
  try {
    await preparePipeline({ config, kafka: clients.kafka, cassandra: clients.cassandra!, temporal: clients.temporal.client, log: (line) => console.log(line) });
  } finally {
    await clients.close();
  }
  console.log('pipeline prepared: the workers can start');
}

// Exit explicitly (a client library's idle timer must not keep a one-shot container alive), once the output is out.
main().then(
  () => exitWhenDrained(0),
  (error: unknown) => {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    exitWhenDrained(1);
  },
);
