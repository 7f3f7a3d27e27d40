import type { IHeaders, Message } from 'kafkajs';

/** Headers a dead letter carries besides the original message's own. */
export const DLQ_HEADER = {
  reason: 'dlq-reason',
  sourceTopic: 'dlq-source-topic',
  sourcePartition: 'dlq-source-partition',
  sourceOffset: 'dlq-source-offset',
  /** The source record's Kafka timestamp: tells apart records of two lifetimes of a topic at one offset. */
  sourceTimestamp: 'dlq-source-timestamp',
  failedAt: 'dlq-failed-at',
} as const;

export interface DeadLetterOrigin {
  topic: string;
  partition: number;
  offset: string;
  timestamp?: string;
  reason: string;
  failedAt: Date;
}

/** Pure: the DLQ message for a message that could not be used. Key, value and headers are kept as they came. */
export function toDeadLetter(original: { key: Buffer | null; value: Buffer | null; headers?: IHeaders }, origin: DeadLetterOrigin): Message {
  return {
    key: original.key,
    value: original.value,
    headers: {
      ...(original.headers ?? {}),
      [DLQ_HEADER.reason]: origin.reason,
      [DLQ_HEADER.sourceTopic]: origin.topic,
      [DLQ_HEADER.sourcePartition]: String(origin.partition),
      [DLQ_HEADER.sourceOffset]: origin.offset,
      ...(origin.timestamp !== undefined ? { [DLQ_HEADER.sourceTimestamp]: origin.timestamp } : {}),
      [DLQ_HEADER.failedAt]: origin.failedAt.toISOString(),
    },
  };
}
