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
 * A digest of a batch's messages and the write time it starts from (20 hex characters of SHA-256),
 * taken one message at a time. Two cuts of the same messages get the same digest, so a redelivered
 * batch attaches to the run that already happened; other messages at the same offsets (a recreated
 * topic, a truncated log) get another. Lengths are hashed before bytes, so no two different messages
 * hash alike by moving a boundary.
 */
export class BatchDigest {
  private readonly hash = createHash('sha256');

  constructor(partition: number, writeTimeBefore: number) {
    this.hash.update(`${partition}|${writeTimeBefore}`);
  }

  add(m: DigestInput): void {
    this.hash.update(`|${m.offset}:${m.timestamp}:${lengthOf(m.key)}:${lengthOf(m.value)}:`);
    if (m.key) this.hash.update(m.key);
    if (m.value) this.hash.update(m.value);
  }

  hex(): string {
    return this.hash.digest('hex').slice(0, 20);
  }
}

/** The digest of a whole batch at once (BatchDigest). */
export function batchDigest(partition: number, writeTimeBefore: number, messages: readonly DigestInput[]): string {
  const digest = new BatchDigest(partition, writeTimeBefore);
  for (const m of messages) digest.add(m);
  return digest.hex();
}
