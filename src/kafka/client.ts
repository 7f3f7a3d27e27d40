import { Kafka, Partitioners, logLevel, type LogEntry, type Producer } from 'kafkajs';
import type { PipelineConfig } from '../config/pipeline-config';
import { kafkaConnectionOptions } from './connection-options';

/** kafkajs logs every retried request at ERROR; only warnings and worse that survive retries matter here. */
function quietLogCreator() {
  return ({ level, log }: LogEntry) => {
    if (level > logLevel.WARN) return;
    const { message, error } = log as { message: string; error?: string };
    if (/coordinator is (loading|not available)|rebalanc|not the leader|does not host this topic-partition/i.test(`${message} ${error ?? ''}`)) return;
    // A rejected login is not retried; it reaches the caller as one error, which says what to check.
    if (/SaslAuthenticate|SASL \S+ authentication failed/.test(`${message} ${error ?? ''}`)) return;
    console.error(`[kafka] ${message}${error ? `: ${error}` : ''}`);
  };
}

/** A client for the configured brokers, over TLS and with SASL when configured. */
export function createKafka(config: PipelineConfig['kafka']): Kafka {
  return new Kafka({
    ...kafkaConnectionOptions(config),
    logLevel: logLevel.WARN,
    logCreator: () => quietLogCreator(),
    retry: { initialRetryTime: 300, retries: 8 },
  });
}

/**
 * The pipeline's producer: every send waits for all in-sync replicas (`acks: -1` at the call), one
 * request in flight so a partition's records keep their order, Java's murmur2 partitioner so a key
 * lands on the same partition whichever client produced it.
 *
 * Deliberately not kafkajs's idempotent mode. That mode hands the sequence numbers of a failed send
 * back to the next one; when the broker had stored the failed request and only its answer was lost
 * (a broker killed mid-request, a dropped connection), the broker takes the next send of the same size
 * for a duplicate and drops it, answering success: records acknowledged and never stored
 * (test/integration/producer-lost-response.test.ts). Here such a retry can store a record twice instead,
 * which costs nothing: records are keyed by user id and upserted.
 */
export function createProducer(kafka: Kafka): Producer {
  return kafka.producer({ idempotent: false, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
}
