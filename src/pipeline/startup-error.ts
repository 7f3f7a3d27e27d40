import type { PipelineConfig } from '../config/pipeline-config';

/**
 * One line for an error that stopped a process at start, naming the server and the variables to
 * check when a server turned the credentials down. Never includes a secret: the drivers' messages
 * name the user at most.
 */
export function describeStartupError(error: unknown, config?: PipelineConfig): string {
  const e = error as { name?: string; message?: string; innerErrors?: Record<string, { name?: string; message?: string }> };
  const message = (e?.message ?? String(error)).split('\n')[0]!;
  const innerAuth = Object.values(e?.innerErrors ?? {}).find((inner) => inner?.name === 'AuthenticationError');
  if (innerAuth) {
    const where = config ? ` at ${config.cassandra.contactPoints.join(',')}` : '';
    return `Cassandra${where} rejected the credentials (check CASSANDRA_USERNAME and CASSANDRA_PASSWORD): ${innerAuth.message ?? message}`;
  }
  if (e?.name === 'KafkaJSSASLAuthenticationError') {
    const where = config ? ` at ${config.kafka.brokers.join(',')}` : '';
    return `Kafka${where} rejected the SASL credentials (check KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD): ${message}`;
  }
  const missingKeyspace = /Keyspace '?([\w]+)'? does not exist/i.exec(message);
  if (missingKeyspace) return `Cassandra keyspace ${missingKeyspace[1]} (CASSANDRA_KEYSPACE) does not exist yet: npm start (or npm run prepare:pipeline) applies cql/ and creates it`;
  const missingTable = /unconfigured table (\w+)/i.exec(message);
  if (missingTable) return `Cassandra table ${missingTable[1]} (CASSANDRA_TABLE) does not exist yet: npm start (or npm run prepare:pipeline) applies cql/ and creates it`;
  return message;
}
