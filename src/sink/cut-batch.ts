import type { KafkaMessage } from 'kafkajs';
import { toBoundRow, type BoundRow } from '../cassandra/bound-row';
import { parseUserRecord } from '../record/user-record';
import { batchDigest } from './batch-digest';
import { nextWriteTime } from './write-time';

export interface CutBatch {
  /** The last version of each key in the batch, bound for the upsert, its write time as last value. */
  rows: BoundRow[];
  dead: { message: KafkaMessage; reason: string }[];
  /** Valid records read, before older versions of a key were dropped. */
  versions: number;
  digest: string;
  /** Write time of the batch's last message: where the next batch of the partition starts from. */
  writeTimeAfter: number;
}

/**
 * Pure: turns consecutive messages of one partition into what gets written. Valid records become rows,
 * stamped with their write time (see write-time.ts); only the last version of each key is kept, since
 * it would win anyway; the others go to the dead-letter topic with their reason.
 */
export function cutBatch(messages: readonly KafkaMessage[], partition: number, writeTimeBefore: number, ingestedAt: Date): CutBatch {
  const rows: BoundRow[] = [];
  const dead: CutBatch['dead'] = [];
  const latest = new Map<string, number>();
  let writeTime = writeTimeBefore;
  for (const message of messages) {
    writeTime = nextWriteTime(writeTime, message.timestamp);
    const parsed = parseUserRecord(message.value);
    if (!parsed.ok) {
      dead.push({ message, reason: parsed.reason });
      continue;
    }
    latest.set(parsed.record.id, rows.length);
    rows.push(toBoundRow(parsed.record, { partition, offset: message.offset, ingestedAt }, writeTime));
  }
  const versions = rows.length;
  const kept = latest.size === rows.length ? rows : [...latest.values()].sort((a, b) => a - b).map((index) => rows[index]!);
  return { rows: kept, dead, versions, digest: batchDigest(partition, writeTimeBefore, messages), writeTimeAfter: writeTime };
}
