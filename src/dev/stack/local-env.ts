import { kafkaBootstrap } from './services/kafka';
import type { StackSettings } from './settings';

/** The pipeline variables that point it at the local stack (its ports, its number of Kafka nodes). */
export function localStackEnv(settings: StackSettings): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: `127.0.0.1:${settings.temporal.port}`,
    KAFKA_BROKERS: kafkaBootstrap(settings).join(','),
    KAFKA_REPLICATION_FACTOR: String(Math.min(3, settings.kafka.brokers)),
    CASSANDRA_CONTACT_POINTS: `127.0.0.1:${settings.cassandra.port}`,
  };
}
