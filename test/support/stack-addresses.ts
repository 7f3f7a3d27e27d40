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

/** The settings that give a pipeline named `name` topics, keyspace, group, task queues and schedule of its own. */
export function ownPipelineNames(name: string): Record<string, string> {
  return {
    KAFKA_TOPIC: `${name}.random_names`,
    KAFKA_TOPIC_PARTITIONS: '3',
    KAFKA_CONSUMER_GROUP: `${name}-sink`,
    CASSANDRA_KEYSPACE: name,
    INGEST_TASK_QUEUE: `${name}-ingest`,
    SINK_TASK_QUEUE: `${name}-sink`,
    SCHEDULE_ID: `${name}-schedule`,
    SCHEDULE_INTERVAL: '1s',
    // Tests that audit on a schedule ask for it; others leave no schedule behind to fire at nobody.
    AUDIT_INTERVAL: '0',
  };
}
