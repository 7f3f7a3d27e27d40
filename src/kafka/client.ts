import { Kafka, Partitioners, logLevel, type LogEntry, type Message, type Producer, type ProducerRecord, type RecordMetadata } from 'kafkajs';
import type { PipelineConfig } from '../config/pipeline-config';
import { kafkaConnectionOptions } from './connection-options';
import { isRecordBatchTooLarge, sendParts } from './send-parts';

/** Where a process's library lines about a server that is away go instead of the log (servers/process-outages.ts). */
export interface LibraryLines {
  take(source: 'kafkajs', text: string): boolean;
}

/**
 * kafkajs logs every retried request at ERROR; only warnings and worse that survive retries matter here,
 * and those that say a server is away go to the process's outage lines. At debug, every line.
 */
function quietLogCreator(lines: LibraryLines | undefined, debug: boolean) {
  return ({ level, log }: LogEntry) => {
    const { message, error } = log as { message: string; error?: string };
    const text = `[kafka] ${message}${error ? `: ${error}` : ''}`;
    if (debug) {
      lines?.take('kafkajs', text);
      return void console.error(text);
    }
    if (level > logLevel.WARN) return;
    const both = `${message} ${error ?? ''}`;
    if (/coordinator is (loading|not available)|rebalanc|not the leader|does not host this topic-partition/i.test(both)) return;
    // A rejected login is not retried; it reaches the caller as one error, which says what to check.
    if (/SaslAuthenticate|SASL \S+ authentication failed/.test(both)) return;
    // So is a failed TLS handshake (a certificate, a CA, a TLS port): describeStartupError words it.
    if (/certificate|SSL routines|alert \w+|wrong version number/i.test(both)) return;
    if (lines?.take('kafkajs', text)) return;
    console.error(text);
  };
}

/** A client for the configured brokers, over TLS and with SASL when configured. */
export function createKafka(config: PipelineConfig['kafka'], options: { lines?: LibraryLines; debug?: boolean } = {}): Kafka {
  return new Kafka({
    ...kafkaConnectionOptions(config),
    logLevel: options.debug ? logLevel.DEBUG : logLevel.WARN,
    logCreator: () => quietLogCreator(options.lines, options.debug ?? false),
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
export function createProducer(kafka: Kafka): PipelineProducer {
  const placed = new WeakMap<Message, number>();
  const producer = kafka.producer({
    idempotent: false,
    maxInFlightRequests: 1,
    createPartitioner: () => {
      const partition = Partitioners.DefaultPartitioner();
      return (args) => {
        // A keyless message keeps the partition its first attempt chose: kafkajs partitions again on every
        // retry, and a keyless message would otherwise move (round robin) between the attempts.
        const before = args.message.key == null ? placed.get(args.message) : undefined;
        const chosen = before !== undefined && before < args.partitionMetadata.length ? before : partition(args);
        placed.set(args.message, chosen);
        return chosen;
      };
    },
  });
  return Object.assign(producer, { placements: placed });
}

/** A producer from createProducer: a kafkajs producer that knows where its partitioner put each message. */
export type PipelineProducer = Producer & { readonly placements: WeakMap<Message, number> };

const keyPartitioner = Partitioners.DefaultPartitioner();

/** The partition the default (Java murmur2) partitioner gives a key in a topic of `count` partitions. */
export function partitionOfKey(topic: string, key: string, count: number): number {
  return keyPartitioner({ topic, partitionMetadata: Array.from({ length: count }, (_, partitionId) => ({ partitionId, leader: 0, replicas: [], isr: [], partitionErrorCode: 0 })), message: { key, value: null } });
}

/** A send that the brokers did not acknowledge for every partition its records went to. */
export class PartialAcknowledgementError extends Error {
  override name = 'PartialAcknowledgementError';
}

/**
 * Sends messages and checks that every one of them went to a partition whose broker acknowledged it.
 * A kafkajs send can resolve without having resent the records of a partition whose leader moved,
 * during the send's retry, to a broker that had already answered for other partitions (its retry skips
 * brokers with an answer): those records are silently not stored. Here such a send fails, so its caller
 * sends again. Where each message went is what the producer's partitioner chose during this send, so a
 * keyless message is checked as surely as a keyed one, and a message the send never placed counts as lost.
 * The producer comes from createProducer, whose partitioner records where each message went.
 *
 * Messages go in parts of at most SEND_PART_BYTES (kafka/send-parts.ts), one after the other, so a large
 * send (a burst of dead letters, say) stays under Kafka's limit on a record batch; a part Kafka still
 * refuses as too large (a topic with a lower limit) goes again as two halves, down to single messages.
 * A lone message still refused is sent as `options.shrink` makes it, when given. A failure leaves the
 * parts before it stored: the caller's retry sends them again, as copies.
 */
export async function sendAcknowledged(producer: PipelineProducer, record: ProducerRecord, options: SendOptions = {}): Promise<RecordMetadata[]> {
  const metadata: RecordMetadata[] = [];
  for (const messages of sendParts(record.messages)) metadata.push(...(await sendPart(producer, { ...record, messages }, options)));
  return metadata;
}

export interface SendOptions {
  /** What to send instead of a lone message the topic refuses as too large (a cut copy, say); it is refused again without. */
  shrink?: (message: Message) => Message;
}

async function sendPart(producer: PipelineProducer, record: ProducerRecord, options: SendOptions): Promise<RecordMetadata[]> {
  try {
    return await sendChecked(producer, record);
  } catch (error) {
    if (!isRecordBatchTooLarge(error)) throw error;
    if (record.messages.length === 1) {
      if (!options.shrink) throw error;
      return sendChecked(producer, { ...record, messages: [options.shrink(record.messages[0]!)] });
    }
    const half = Math.ceil(record.messages.length / 2);
    return [
      ...(await sendPart(producer, { ...record, messages: record.messages.slice(0, half) }, options)),
      ...(await sendPart(producer, { ...record, messages: record.messages.slice(half) }, options)),
    ];
  }
}

async function sendChecked(producer: PipelineProducer, record: ProducerRecord): Promise<RecordMetadata[]> {
  const placed = producer.placements;
  for (const message of record.messages) placed.delete(message);
  const metadata = await producer.send(record);
  const sentTo = record.messages.map((m) => placed.get(m));
  const unplaced = sentTo.filter((p) => p === undefined).length;
  const missing = unacknowledgedPartitions(record.topic, sentTo.filter((p): p is number => p !== undefined), metadata);
  if (unplaced > 0 || missing.length > 0) {
    const what = [missing.length > 0 ? `partition(s) ${missing.join(', ')}` : '', unplaced > 0 ? `${unplaced} message(s) the send never placed` : ''].filter(Boolean).join(' and ');
    throw new PartialAcknowledgementError(`Kafka did not acknowledge ${what} of this send to ${record.topic}; those records may not be stored, so the send must be repeated`);
  }
  return metadata;
}

/** The partitions messages went to that the send's answers do not acknowledge without error. Pure. */
export function unacknowledgedPartitions(topic: string, sentTo: readonly number[], metadata: Pick<RecordMetadata, 'topicName' | 'partition' | 'errorCode'>[]): number[] {
  const acknowledged = new Set(metadata.filter((m) => m.topicName === topic && m.errorCode === 0).map((m) => m.partition));
  return [...new Set(sentTo)].filter((p) => !acknowledged.has(p)).sort((a, b) => a - b);
}
