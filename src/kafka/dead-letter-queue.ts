import type { IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import type { PipelineConfig } from '../config/pipeline-config';
import { toRecordOrReason } from '../record/source-reject';
import { parseUserRecord } from '../record/user-record';
import { createProducer, sendAcknowledged, type PipelineProducer } from './client';
import { cutDeadLetter, DLQ_HEADER, REJECT_HEADER, SOURCE_REJECT_KIND } from './dead-letter';
import { readOffsetRanges } from './read-range';

export interface DeadLetter {
  /** `sink`: a Kafka message the sink could not use; `source-reject`: a source user that never became a record. */
  kind: 'sink' | 'source-reject';
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  reason: string;
  source: string;
  failedAt: string | null;
  replays: number;
  /** Copies of this dead message on the DLQ topic (a consumer that died before committing sends it again). */
  copies: number;
}

export const DLQ_REPLAY_COUNT_HEADER = 'dlq-replay-count';

/**
 * The DLQ is append-only; what is still dead is what lies past the offsets committed by the replay
 * group `<consumer group>.dlq-replay`. A replay re-appends what stays dead before committing, so a
 * message leaves the listing only once it is back on the data topic.
 */
export function replayGroupOf(config: PipelineConfig['kafka']): string {
  return `${config.consumerGroup}.dlq-replay`;
}

function headersToStrings(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) if (v !== undefined) out[k] = Array.isArray(v) ? v.map(String).join(',') : String(v);
  return out;
}

async function pendingRange(kafka: Kafka, config: PipelineConfig['kafka']) {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [ends, committed] = await Promise.all([
      admin.fetchTopicOffsets(config.dlqTopic),
      admin.fetchOffsets({ groupId: replayGroupOf(config), topics: [config.dlqTopic] }),
    ]);
    const done = new Map(committed[0]?.partitions.map((p) => [p.partition, p.offset]) ?? []);
    return ends.map((e) => {
      const c = done.get(e.partition);
      const start = c !== undefined && c !== '-1' && BigInt(c) > BigInt(e.low) ? c : e.low;
      return { partition: e.partition, start, end: e.high };
    });
  } finally {
    await admin.disconnect();
  }
}

/**
 * What makes two dead letters the same dead message: its origin (topic, partition, offset, and the
 * record's timestamp, which tells two lifetimes of a topic apart). A letter without origin headers
 * stands for itself.
 */
export function originKey(letter: Pick<DeadLetter, 'partition' | 'offset' | 'headers'>): string {
  const h = letter.headers;
  // A source reject's key names its slot run, page and position: copies of one reject share it.
  if (h[REJECT_HEADER.kind] === SOURCE_REJECT_KIND && h[REJECT_HEADER.runId] !== undefined) return `reject:${h[REJECT_HEADER.workflowId]}:${h[REJECT_HEADER.runId]}:p${h[REJECT_HEADER.page]}:${h[REJECT_HEADER.index]}`;
  const topic = h[DLQ_HEADER.sourceTopic];
  const partition = h[DLQ_HEADER.sourcePartition];
  const offset = h[DLQ_HEADER.sourceOffset];
  if (topic === undefined || partition === undefined || offset === undefined) return `dlq:${letter.partition}@${letter.offset}`;
  return `${topic}/${partition}@${offset}#${h[DLQ_HEADER.sourceTimestamp] ?? ''}`;
}

/** Pure: one letter per dead message (the first copy, oldest first), with how many copies the topic holds. */
export function distinctDeadLetters(letters: readonly Omit<DeadLetter, 'copies'>[]): DeadLetter[] {
  const byOrigin = new Map<string, DeadLetter>();
  for (const letter of letters) {
    const key = originKey(letter);
    const seen = byOrigin.get(key);
    if (seen) seen.copies += 1;
    else byOrigin.set(key, { ...letter, copies: 1 });
  }
  return [...byOrigin.values()];
}

function toDeadLetter(partition: number, message: KafkaMessage): Omit<DeadLetter, 'copies'> {
  const headers = headersToStrings(message.headers);
  const rejected = headers[REJECT_HEADER.kind] === SOURCE_REJECT_KIND;
  return {
    kind: rejected ? 'source-reject' : 'sink',
    partition,
    offset: message.offset,
    key: message.key?.toString() ?? null,
    value: message.value,
    headers,
    reason: headers[DLQ_HEADER.reason] ?? '(no reason header)',
    source: rejected
      ? `source slot ${headers[REJECT_HEADER.slotTime] ?? '?'} page ${headers[REJECT_HEADER.page] ?? '?'} #${headers[REJECT_HEADER.index] ?? '?'}`
      : `${headers[DLQ_HEADER.sourceTopic] ?? '?'}/${headers[DLQ_HEADER.sourcePartition] ?? '?'}@${headers[DLQ_HEADER.sourceOffset] ?? '?'}`,
    failedAt: headers[DLQ_HEADER.failedAt] ?? null,
    replays: Number(headers[DLQ_REPLAY_COUNT_HEADER] ?? 0),
  };
}

/**
 * Reads the dead messages not yet replayed, oldest first per partition, with a throwaway consumer
 * (failing after a minute rather than waiting on offsets that never come); each once, however many
 * copies of it the topic holds.
 */
export async function readDeadLetters(kafka: Kafka, config: PipelineConfig['kafka'], limit = Number.MAX_SAFE_INTEGER): Promise<{ letters: DeadLetter[]; range: Awaited<ReturnType<typeof pendingRange>> }> {
  const range = await pendingRange(kafka, config);
  const wanted = range.filter((r) => BigInt(r.end) > BigInt(r.start));
  if (wanted.length === 0) return { letters: [], range };
  const read = await readOffsetRanges(
    kafka,
    config.dlqTopic,
    wanted.map((r) => ({ partition: r.partition, firstOffset: r.start, lastOffset: (BigInt(r.end) - 1n).toString() })),
    { groupId: `${replayGroupOf(config)}.reader-${process.pid}-${Date.now()}`, maxWaitTimeInMs: 200 },
  );
  const letters = read.map(({ partition, message }) => toDeadLetter(partition, message));
  letters.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
  return { letters: distinctDeadLetters(letters).slice(0, limit), range };
}

export interface ReplayReport {
  /** Each replayed letter with the message it went back as (a source reject goes back as its record). */
  replayed: (DeadLetter & { replay: { key: string | null; value: Buffer | null } })[];
  stillDead: { letter: DeadLetter; reason: string }[];
}

/**
 * Re-validates every pending dead letter: valid ones go back to the data topic (original key, value and
 * pipeline headers), the rest are re-appended to the DLQ with today's reason. Only after both sends are
 * acknowledged for every letter is the replay group's offset moved past them, so a crash or a send that
 * dropped a record mid-replay loses nothing: the next replay sends them again. `producer` (from
 * createProducer) is the replay's own by default, connected and disconnected here either way.
 */
export async function replayDeadLetters(kafka: Kafka, config: PipelineConfig['kafka'], now = new Date(), producer: PipelineProducer = createProducer(kafka)): Promise<ReplayReport> {
  const { letters, range } = await readDeadLetters(kafka, config);
  const report: ReplayReport = { replayed: [], stillDead: [] };
  if (letters.length === 0) return report;
  for (const letter of letters) {
    const outcome = letter.kind === 'source-reject' ? replaySourceReject(letter) : replaySinkLetter(letter);
    if ('reason' in outcome) report.stillDead.push({ letter, reason: outcome.reason });
    else report.replayed.push({ ...letter, replay: outcome });
  }
  await producer.connect();
  try {
    const original = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).filter(([k]) => !k.startsWith('dlq-')));
    if (report.replayed.length > 0) {
      await sendAcknowledged(producer, {
        topic: config.topic,
        acks: -1,
        messages: report.replayed.map((l) => ({ key: l.replay.key, value: l.replay.value, headers: { ...original(l.headers), 'dlq-replayed-at': now.toISOString() } })),
      });
    }
    if (report.stillDead.length > 0) {
      await sendAcknowledged(producer, {
        topic: config.dlqTopic,
        acks: -1,
        messages: report.stillDead.map(({ letter, reason }) => ({
          key: letter.key,
          value: letter.value,
          headers: { ...letter.headers, [DLQ_HEADER.reason]: reason, [DLQ_REPLAY_COUNT_HEADER]: String(letter.replays + 1) },
        })),
      }, { shrink: (letter) => cutDeadLetter(letter) }); // the topic's limit may have been lowered since
    }
  } finally {
    await producer.disconnect();
  }
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.setOffsets({ groupId: replayGroupOf(config), topic: config.dlqTopic, partitions: range.map((r) => ({ partition: r.partition, offset: r.end })) });
  } finally {
    await admin.disconnect();
  }
  return report;
}

type ReplayOutcome = { key: string | null; value: Buffer | null } | { reason: string };

/** A sink dead letter goes back as it came, once its value is a valid record. */
function replaySinkLetter(letter: DeadLetter): ReplayOutcome {
  const h = letter.headers;
  if (h[DLQ_HEADER.rawBytes] !== undefined) return { reason: `the message was kept cut to ${letter.value?.length ?? 0} of its ${h[DLQ_HEADER.rawBytes]} bytes; it cannot be replayed (the whole message is at ${h[DLQ_HEADER.sourceTopic]}/${h[DLQ_HEADER.sourcePartition]} offset ${h[DLQ_HEADER.sourceOffset]} while that topic keeps it)` };
  const parsed = parseUserRecord(letter.value);
  return parsed.ok ? { key: letter.key, value: letter.value } : { reason: parsed.reason };
}

/**
 * A source reject goes back as the record its user makes today (after a fix of the schema or the
 * mapping), with the slot time and fetch time it was fetched with; a user kept cut short cannot.
 */
function replaySourceReject(letter: DeadLetter): ReplayOutcome {
  const h = letter.headers;
  if (h[REJECT_HEADER.rawBytes] !== undefined) return { reason: `the user was kept cut to ${letter.value?.length ?? 0} of its ${h[REJECT_HEADER.rawBytes]} bytes; it cannot be replayed (run its slot again once the source is fixed)` };
  let user: unknown;
  try {
    user = JSON.parse(letter.value?.toString('utf8') ?? 'null');
  } catch {
    return { reason: 'the kept user is not JSON; it cannot be replayed' };
  }
  const mapped = toRecordOrReason(user, { slotTime: new Date(h[REJECT_HEADER.slotTime] ?? Number.NaN), fetchedAt: new Date(h[REJECT_HEADER.fetchedAt] ?? Number.NaN) });
  if (!mapped.ok) return { reason: mapped.reason };
  return { key: mapped.record.id, value: Buffer.from(JSON.stringify(mapped.record)) };
}
