import { createHash } from 'node:crypto';

/** What identifies the content of a batch: every message's offset, timestamp, key and value. */
export interface DigestInput {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
}

function lengthOf(buffer: Buffer | null): string {
  return buffer === null ? '-' : String(buffer.length);
}

/**
 * A digest of a batch's messages and the write time it starts from (20 hex characters of SHA-256).
 * Two cuts of the same messages get the same digest, so a redelivered batch attaches to the run that
 * already happened; other messages at the same offsets (a recreated topic, a truncated log) get another.
 * Lengths are hashed before bytes, so no two different messages hash alike by moving a boundary.
 */
export function batchDigest(partition: number, writeTimeBefore: number, messages: readonly DigestInput[]): string {
  const hash = createHash('sha256');
  hash.update(`${partition}|${writeTimeBefore}`);
  for (const m of messages) {
    hash.update(`|${m.offset}:${m.timestamp}:${lengthOf(m.key)}:${lengthOf(m.value)}:`);
    if (m.key) hash.update(m.key);
    if (m.value) hash.update(m.value);
  }
  return hash.digest('hex').slice(0, 20);
}
