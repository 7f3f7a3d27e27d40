import { kafkaBootstrap, kafkaNodePorts } from './services/kafka';
import type { StackSettings } from './settings';
import { stackTlsFiles } from './tls';

/**
 * The pipeline variables that point it at the local stack (its ports, its number of Kafka nodes). With
 * STACK_TLS=1 they point at its TLS listeners, with its CA and client certificate: the pipeline then
 * talks TLS with mutual authentication to all three servers.
 */
export function localStackEnv(settings: StackSettings): Record<string, string> {
  const plain = {
    TEMPORAL_ADDRESS: `${settings.host}:${settings.temporal.port}`,
    KAFKA_BROKERS: kafkaBootstrap(settings).join(','),
    KAFKA_REPLICATION_FACTOR: String(Math.min(3, settings.kafka.brokers)),
    CASSANDRA_CONTACT_POINTS: settings.cassandra.addresses.map((address) => `${address}:${settings.cassandra.port}`).join(','),
    // A ring of three: every row on all three nodes, written at LOCAL_QUORUM (the default level).
    ...(settings.cassandra.addresses.length === 3 ? { CASSANDRA_REPLICATION_FACTOR: '3' } : {}),
  };
  if (!settings.tls.enabled) return plain;
  const tls = stackTlsFiles(settings);
  const files = (server: 'TEMPORAL' | 'KAFKA' | 'CASSANDRA') => ({
    [`${server}_TLS_CA_FILE`]: tls.ca,
    [`${server}_TLS_CERT_FILE`]: tls.clientCert,
    [`${server}_TLS_KEY_FILE`]: tls.clientKey,
  });
  return {
    ...plain,
    TEMPORAL_ADDRESS: `127.0.0.1:${settings.tls.temporalPort}`,
    TEMPORAL_TLS_SERVER_NAME: 'localhost',
    ...files('TEMPORAL'),
    KAFKA_BROKERS: Array.from({ length: settings.kafka.brokers }, (_, i) => `127.0.0.1:${kafkaNodePorts(settings, i + 1).sslPort}`).join(','),
    ...files('KAFKA'),
    ...files('CASSANDRA'),
  };
}
