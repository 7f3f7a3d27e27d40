import type { KafkaMessage } from 'kafkajs';
import type { UserRowPayload } from '../activities/write-rows';
import { parseUserRecord } from '../record/user-record';
import { toUserRowPayload } from '../record/user-row';

export interface ClassifiedMessages {
  rows: UserRowPayload[];
  dead: { message: KafkaMessage; reason: string }[];
}

/** Pure: splits a partition's messages into rows for Cassandra and messages for the dead-letter topic. */
export function classifyMessages(messages: KafkaMessage[], partition: number, ingestedAt: Date): ClassifiedMessages {
  const result: ClassifiedMessages = { rows: [], dead: [] };
  for (const message of messages) {
    const parsed = parseUserRecord(message.value);
    if (parsed.ok) result.rows.push(toUserRowPayload(parsed.record, { partition, offset: message.offset, ingestedAt }));
    else result.dead.push({ message, reason: parsed.reason });
  }
  return result;
}
