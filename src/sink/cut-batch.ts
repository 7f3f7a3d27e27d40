import type { KafkaMessage } from 'kafkajs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { toBoundRow, type BoundRow } from '../cassandra/bound-row';
import { parseUserRecord } from '../record/user-record';
import { BatchDigest } from './batch-digest';
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
 * Pure: turns consecutive messages of one partition into what gets written, one message at a time.
 * Valid records become rows, stamped with their write time (see write-time.ts); only the last version
 * of each key is kept, since it would win anyway; the others go to the dead-letter topic with their reason.
 */
export class BatchCutter {
  private readonly rows: BoundRow[] = [];
  private readonly dead: CutBatch['dead'] = [];
  private readonly latest = new Map<string, number>();
  private readonly digest: BatchDigest;
  private writeTime: number;

  constructor(
    private readonly partition: number,
    writeTimeBefore: number,
    private readonly ingestedAt: Date,
  ) {
    this.writeTime = writeTimeBefore;
    this.digest = new BatchDigest(partition, writeTimeBefore);
  }

  add(message: KafkaMessage): void {
    this.digest.add(message);
    this.writeTime = nextWriteTime(this.writeTime, message.timestamp);
    const parsed = parseUserRecord(message.value);
    if (!parsed.ok) {
      this.dead.push({ message, reason: parsed.reason });
      return;
    }
    this.latest.set(parsed.record.id, this.rows.length);
    this.rows.push(toBoundRow(parsed.record, { partition: this.partition, offset: message.offset, ingestedAt: this.ingestedAt }, this.writeTime));
  }

  finish(): CutBatch {
    const { rows, latest } = this;
    const kept = latest.size === rows.length ? rows : [...latest.values()].sort((a, b) => a - b).map((index) => rows[index]!);
    return { rows: kept, dead: this.dead, versions: rows.length, digest: this.digest.hex(), writeTimeAfter: this.writeTime };
  }
}

/** Pure: the cut of a whole batch at once (BatchCutter). */
export function cutBatch(messages: readonly KafkaMessage[], partition: number, writeTimeBefore: number, ingestedAt: Date): CutBatch {
  const cutter = new BatchCutter(partition, writeTimeBefore, ingestedAt);
  for (const message of messages) cutter.add(message);
  return cutter.finish();
}

/** Messages cut between two turns of the event loop: about 10 ms of parsing and encoding. */
export const CUT_SLICE = 500;

/**
 * The same cut as cutBatch, letting the event loop run after every `slice` messages. A batch of
 * thousands takes a few hundred ms to cut; in one go it would hold up the writes of every other batch of
 * the process (their replies and next requests wait for the loop), and Cassandra would sit idle.
 */
export async function cutBatchInSlices(messages: readonly KafkaMessage[], partition: number, writeTimeBefore: number, ingestedAt: Date, slice = CUT_SLICE): Promise<CutBatch> {
  const cutter = new BatchCutter(partition, writeTimeBefore, ingestedAt);
  for (let i = 0; i < messages.length; i++) {
    if (i > 0 && i % slice === 0) await nextTurn();
    cutter.add(messages[i]!);
  }
  return cutter.finish();
}
