import type { Message } from 'kafkajs';

/**
 * What one produce request may carry, as estimated here: under Kafka's default limit on a record batch
 * (`message.max.bytes`, 1 MiB), which a partition's records of one request must fit, however the
 * messages spread over partitions. Larger sends go in parts of at most this (sendAcknowledged).
 */
export const SEND_PART_BYTES = 900 * 1024;

/** A record's framing in a batch (length, attributes, deltas, counts) and each header's lengths: generous. */
const RECORD_OVERHEAD = 32;
const HEADER_OVERHEAD = 10;

function sizeOf(value: string | Buffer | (string | Buffer)[] | null | undefined): number {
  if (value == null) return 0;
  if (Array.isArray(value)) return value.reduce((sum, item) => sum + sizeOf(item), 0);
  return typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : value.length;
}

/** The bytes a message adds to a record batch, uncompressed: key, value and headers with their framing. Pure. */
export function estimatedMessageBytes(message: Message): number {
  let bytes = RECORD_OVERHEAD + sizeOf(message.key) + sizeOf(message.value);
  for (const [name, value] of Object.entries(message.headers ?? {})) bytes += HEADER_OVERHEAD + Buffer.byteLength(name, 'utf8') + sizeOf(value);
  return bytes;
}

/**
 * Cuts messages, in order, into consecutive parts of at most `maxBytes` estimated bytes each; a message
 * larger than that is a part of its own. Pure.
 */
export function sendParts<M extends Message>(messages: readonly M[], maxBytes = SEND_PART_BYTES): M[][] {
  const parts: M[][] = [];
  let part: M[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size = estimatedMessageBytes(message);
    if (part.length > 0 && bytes + size > maxBytes) {
      parts.push(part);
      part = [];
      bytes = 0;
    }
    part.push(message);
    bytes += size;
  }
  if (part.length > 0) parts.push(part);
  return parts;
}

/** True when Kafka refused a produce request because a record batch in it is over the topic's size limit. */
export function isRecordBatchTooLarge(error: unknown): boolean {
  // kafkajs throws the broker's error, or wraps it (originalError, cause) when its retrier gives up.
  for (let e = error as { type?: unknown; originalError?: unknown; cause?: unknown } | null | undefined, depth = 0; e && depth < 4; e = (e.originalError ?? e.cause) as typeof e, depth++) {
    if (e.type === 'MESSAGE_TOO_LARGE' || e.type === 'RECORD_LIST_TOO_LARGE') return true;
  }
  return false;
}
