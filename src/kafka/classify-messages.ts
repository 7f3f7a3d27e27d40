import type { KafkaMessage } from 'kafkajs';
import { toBoundRow, type BoundRow } from '../cassandra/bound-row';
import { parseUserRecord } from '../record/user-record';

export interface ClassifiedMessages {
  /** Valid records, bound for the upsert. */
  rows: BoundRow[];
  dead: { message: KafkaMessage; reason: string }[];
}

/** Pure: splits a partition's messages into rows for Cassandra and messages for the dead-letter topic. */
export function classifyMessages(messages: KafkaMessage[], partition: number, ingestedAt: Date): ClassifiedMessages {
  const result: ClassifiedMessages = { rows: [], dead: [] };
  for (const message of messages) {
    const parsed = parseUserRecord(message.value);
    if (parsed.ok) result.rows.push(toBoundRow(parsed.record, { partition, offset: message.offset, ingestedAt }));
    else result.dead.push({ message, reason: parsed.reason });
  }
  return result;
}
