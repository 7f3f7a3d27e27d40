import { Kafka, Partitioners, logLevel, type LogEntry, type Producer } from 'kafkajs';
import type { PipelineConfig } from '../config/pipeline-config';
import { kafkaConnectionOptions } from './connection-options';

/** kafkajs logs every retried request at ERROR; only warnings and worse that survive retries matter here. */
function quietLogCreator() {
  return ({ level, log }: LogEntry) => {
    if (level > logLevel.WARN) return;
    const { message, error } = log as { message: string; error?: string };
    if (/coordinator is (loading|not available)|rebalanc|not the leader|does not host this topic-partition/i.test(`${message} ${error ?? ''}`)) return;
    // Sends are retried by Temporal activities as a whole; the consumer's upsert makes a re-send harmless.
    if (/Limiting retries for the idempotent producer/.test(message)) return;
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
 * An idempotent producer (no duplicates from its own retries) using Java's murmur2 partitioner,
 * so a key lands on the same partition whichever client produced it.
 */
export function createProducer(kafka: Kafka): Producer {
  return kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
}
