import type { IHeaders, Message } from 'kafkajs';
import type { SourceReject } from '../record/source-reject';

/** Headers a dead letter carries besides the original message's own. */
export const DLQ_HEADER = {
  reason: 'dlq-reason',
  sourceTopic: 'dlq-source-topic',
  sourcePartition: 'dlq-source-partition',
  sourceOffset: 'dlq-source-offset',
  /** The source record's Kafka timestamp: tells apart records of two lifetimes of a topic at one offset. */
  sourceTimestamp: 'dlq-source-timestamp',
  failedAt: 'dlq-failed-at',
  /** The whole value's size, set only when the letter's value is a cut copy of it. */
  rawBytes: 'dlq-raw-bytes',
} as const;

/** What a dead letter keeps of a value too large for the dead-letter topic. */
export const CUT_LETTER_VALUE_BYTES = 16 * 1024;

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

/**
 * Pure: a dead letter the dead-letter topic refused as too large, kept with the first `keepBytes` of
 * its value, the whole value's size and why. Its source topic, partition and offset still say where
 * the whole message is, for as long as that topic keeps it.
 */
export function cutDeadLetter(letter: Message, keepBytes = CUT_LETTER_VALUE_BYTES): Message {
  const value = letter.value == null ? null : Buffer.isBuffer(letter.value) ? letter.value : Buffer.from(letter.value);
  if (value === null || value.length <= keepBytes) return letter;
  const headers = letter.headers ?? {};
  const reason = headers[DLQ_HEADER.reason];
  return {
    ...letter,
    value: value.subarray(0, keepBytes),
    headers: {
      ...headers,
      [DLQ_HEADER.reason]: `${reason === undefined ? 'dead letter' : String(reason)}; kept cut to ${keepBytes} of its ${value.length} bytes, over the dead-letter topic's size limit`,
      [DLQ_HEADER.rawBytes]: String(value.length),
    },
  };
}

/** Headers of a source reject: a user of a source page that never became a record. */
export const REJECT_HEADER = {
  /** `source-reject` on a quarantined source user; absent on the sink's dead letters. */
  kind: 'dlq-kind',
  sourceUrl: 'dlq-source-url',
  slotTime: 'dlq-source-slot-time',
  page: 'dlq-source-page',
  index: 'dlq-source-index',
  workflowId: 'dlq-source-workflow-id',
  runId: 'dlq-source-run-id',
  fetchedAt: 'dlq-fetched-at',
  uuid: 'dlq-source-uuid',
  /** The whole JSON's size, set only when the value holds a cut copy of it. */
  rawBytes: DLQ_HEADER.rawBytes,
} as const;

export const SOURCE_REJECT_KIND = 'source-reject';

/** The slot, page and position of a reject within one run of its slot: the same on every retry of that run. */
export function sourceRejectKey(slot: { workflowId: string; runId: string }, reject: Pick<SourceReject, 'page' | 'index'>): string {
  return `reject:${slot.workflowId}:${slot.runId}:p${reject.page}:${reject.index}`;
}

/**
 * Pure: the DLQ message of a rejected source user: its JSON as it came (cut as the reject says), the
 * reason, and where and when it was fetched. `pipelineHeaders` are the ones its record would have carried.
 */
export function toSourceRejectLetter(reject: SourceReject, slot: { workflowId: string; runId: string; slotTime: string }, pipelineHeaders: Record<string, string>, quarantinedAt: Date): Message & { key: string } {
  const cut = Buffer.byteLength(reject.raw, 'utf8') < reject.rawBytes;
  return {
    key: sourceRejectKey(slot, reject),
    value: reject.raw,
    headers: {
      ...pipelineHeaders,
      [REJECT_HEADER.kind]: SOURCE_REJECT_KIND,
      [DLQ_HEADER.reason]: reject.reason,
      [REJECT_HEADER.sourceUrl]: reject.sourceUrl,
      [REJECT_HEADER.slotTime]: slot.slotTime,
      [REJECT_HEADER.page]: String(reject.page),
      [REJECT_HEADER.index]: String(reject.index),
      [REJECT_HEADER.workflowId]: slot.workflowId,
      [REJECT_HEADER.runId]: slot.runId,
      [REJECT_HEADER.fetchedAt]: reject.fetchedAt,
      ...(cut ? { [REJECT_HEADER.rawBytes]: String(reject.rawBytes) } : {}),
      ...(reject.uuid !== undefined ? { [REJECT_HEADER.uuid]: reject.uuid } : {}),
      [DLQ_HEADER.failedAt]: quarantinedAt.toISOString(),
    },
  };
}
