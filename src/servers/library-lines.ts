import type { ServerRef } from './wait-for-server';

/** Where a library line came from: the Kafka client, or the Temporal SDK (its own lines and its activities' failures). */
export type LineSource = 'kafkajs' | 'temporal-sdk';

const CASSANDRA_AWAY = /All host\(s\) tried for query failed|NoHostAvailable|Host considered as DOWN/;
const TEMPORAL_AWAY = /tcp connect error|transport error|code: Unavailable|UNAVAILABLE|Network error while|Error when recording heartbeat|Error while completing workflow activation|Failed to (poll|start Workflow)|ServiceError/;
/** The Temporal SDK's word, once a call went through, that it took retries: about an outage already told, or a blip. */
const TEMPORAL_RETRIED = /^gRPC call \w+ retried \d+ times/;
const KAFKA_AWAY =
  /Connection error|Connection timeout|Closed connection|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|Failed to connect to seed broker|NumberOfRetriesExceeded|Restarting the consumer|broker.*not available|not available.*broker|KafkaJSConnection/i;

/** True for a line that only says calls to Temporal went through after retries: no outage of its own to tell. */
export function isRetriedCall(source: LineSource, text: string): boolean {
  return source === 'temporal-sdk' && TEMPORAL_RETRIED.test(text);
}

/**
 * The server a library line reports as away, or undefined for any other line. A line naming one of
 * the servers' addresses belongs to that server; otherwise its words decide: the Temporal SDK talks to
 * Temporal only, except for what its activities report (Cassandra's driver, kafkajs); kafkajs talks to
 * Kafka, and reports a Temporal failure of the batch handler it runs. Pure.
 */
export function serverAwayIn(source: LineSource, text: string, servers: Record<ServerRef['name'], string[]>): ServerRef['name'] | undefined {
  const awayWords = CASSANDRA_AWAY.test(text) || TEMPORAL_AWAY.test(text) || KAFKA_AWAY.test(text);
  if (!awayWords) return undefined;
  for (const name of ['Cassandra', 'Kafka', 'Temporal'] as const) {
    if (servers[name].some((address) => text.includes(address))) return name;
  }
  if (CASSANDRA_AWAY.test(text)) return 'Cassandra';
  if (source === 'kafkajs') return TEMPORAL_AWAY.test(text) ? 'Temporal' : 'Kafka';
  if (/KafkaJS|broker/i.test(text)) return 'Kafka';
  return TEMPORAL_AWAY.test(text) ? 'Temporal' : undefined;
}
