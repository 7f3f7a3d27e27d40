import { kafkaBootstrap } from '../../src/dev/stack/services/kafka';
import { loadStackSettings } from '../../src/dev/stack/settings';

/** Addresses of the local stack the global setup brought up. */
export function stackAddresses() {
  const settings = loadStackSettings();
  return {
    temporal: `127.0.0.1:${settings.temporal.port}`,
    kafkaBrokers: kafkaBootstrap(settings),
    cassandraContactPoints: [`127.0.0.1:${settings.cassandra.port}`],
  };
}

/** A name no earlier test run used, for topics, keyspaces and task queues. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`;
}
