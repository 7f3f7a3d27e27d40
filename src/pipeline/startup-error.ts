import type { PipelineConfig } from '../config/pipeline-config';
import { describeTlsFailure } from './tls-failure';

/**
 * One line for an error that stopped a process at start, naming the server and the variables to
 * check when a server turned the credentials down. Never includes a secret: the drivers' messages
 * name the user at most.
 */
export function describeStartupError(error: unknown, config?: PipelineConfig): string {
  return describeBadSetting(error, config) ?? ((error as { message?: string })?.message ?? String(error)).split('\n')[0]!;
}

/**
 * The line for an error that is a wrong setting (credentials, TLS, a keyspace or table that does not
 * exist), which waiting cannot fix; undefined for anything else, such as a server that is down.
 */
export function describeBadSetting(error: unknown, config?: PipelineConfig): string | undefined {
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
  const tls = describeTlsError(e, message, config);
  if (tls) return tls;
  const missingKeyspace = /Keyspace '?([\w]+)'? does not exist/i.exec(message);
  if (missingKeyspace) return `Cassandra keyspace ${missingKeyspace[1]} (CASSANDRA_KEYSPACE) does not exist yet: npm start (or npm run prepare:pipeline) applies cql/ and creates it`;
  const missingTable = /unconfigured table (\w+)/i.exec(message);
  if (missingTable) return `Cassandra table ${missingTable[1]} (CASSANDRA_TABLE) does not exist yet: npm start (or npm run prepare:pipeline) applies cql/ and creates it`;
  return undefined;
}

/** A failed TLS handshake, told apart by the driver that reports it. */
function describeTlsError(e: { name?: string; innerErrors?: Record<string, { message?: string }> }, message: string, config?: PipelineConfig): string | undefined {
  if (/tonic::transport|TransportError/.test(`${e?.name ?? ''} ${message}`)) {
    const described = describeTlsFailure('Temporal', config?.temporal.address, message);
    // Over TLS 1.3 a server that refuses a client without a certificate may just close the connection
    // once the client thinks the handshake is done.
    if (!described && config?.temporal.tls && !config.temporal.tls.clientCert && /connection closed|Canceled|connection reset|broken pipe/i.test(message)) {
      return `Temporal at ${config.temporal.address}: the server closed the connection after the TLS handshake: it may require a client certificate (set TEMPORAL_TLS_CERT_FILE and TEMPORAL_TLS_KEY_FILE)`;
    }
    return described;
  }
  if (e?.name === 'NoHostAvailableError') {
    const inner = Object.values(e.innerErrors ?? {}).map((i) => i?.message ?? '').join(' ');
    return describeTlsFailure('Cassandra', config?.cassandra.contactPoints.join(','), `${inner} ${message}`);
  }
  if (e?.name?.startsWith('KafkaJS')) return describeTlsFailure('Kafka', config?.kafka.brokers.join(','), message);
  return undefined;
}
