import type { Client } from '@temporalio/client';
import { types } from 'cassandra-driver';
import { consumerLag } from '../kafka/consumer-lag';
import { readDeadLetters } from '../kafka/dead-letter-queue';
import { readPartitionRange } from '../kafka/read-range';
import { LINEAGE_COLUMNS, USER_ROW_COLUMNS, WRITE_TIME_COLUMN } from '../record/user-row';
import { slotWorkflowId } from '../schedule/run-slots';
import { parseBatchWorkflowId } from '../sink/batch-id';
import { writeBatch } from '../workflows/write-batch';
import type { AuditDeps } from './audit-slots';
import { workflowLink } from './web-ui';

/** Tracing reads what the audit reads: Temporal's records, the table and the topics. */
export type TraceDeps = AuditDeps;

export interface ActivityAttempts {
  activity: string;
  attempts: number;
  outcome: 'completed' | 'failed' | 'timed out' | 'running';
}

export type Trace =
  | {
      id: string;
      where: 'cassandra';
      row: Record<string, unknown>;
      /** WRITETIME of the row's cells (µs since the epoch) and as a time. */
      writeTime: { micros: string; at: string };
      slot: { slotTime: string; workflowId: string; link: string };
      kafka: { topic: string; partition: number; offset: string };
      batch?: { workflowId: string; runId: string; status: string; firstOffset: string; lastOffset: string; activities: ActivityAttempts[]; link: string };
    }
  | { id: string; where: 'dead-letter'; reason: string; source: string; failedAt: string | null; topic: string }
  | { id: string; where: 'kafka'; topic: string; partition: number; offset: string; lag: number }
  | { id: string; where: 'unknown' };

const TRACED_COLUMNS = USER_ROW_COLUMNS.filter((c) => c.traced).map((c) => c.name).join(', ');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUserId(text: string): boolean {
  return UUID.test(text);
}

/**
 * The lineage of one user id: its row with its write time, the slot that fetched it, the Kafka
 * partition and offset it came through, and the batch workflow that wrote it. For an id that is no
 * row: a dead letter, a record the sink has not consumed yet, or unknown.
 */
export async function traceUser(deps: TraceDeps, id: string): Promise<Trace> {
  const { config } = deps;
  const { keyspace, table } = config.cassandra;
  const result = await deps.cassandra.execute(
    `SELECT ${TRACED_COLUMNS}, WRITETIME(${WRITE_TIME_COLUMN}) AS write_time FROM ${keyspace}.${table} WHERE id = ?`,
    [types.Uuid.fromString(id.toLowerCase())],
    { prepare: true },
  );
  const found = result.first();
  if (!found) return whereElse(deps, id.toLowerCase());
  const row: Record<string, unknown> = {};
  for (const column of result.columns) if (column.name !== 'write_time') row[column.name] = plain(found.get(column.name));
  const slotTime = (found.get(LINEAGE_COLUMNS.slotTime) as Date).toISOString();
  const partition = found.get(LINEAGE_COLUMNS.partition) as number;
  const offset = (found.get(LINEAGE_COLUMNS.offset) as types.Long).toString();
  const micros = (found.get('write_time') as types.Long).toString();
  const slotId = slotWorkflowId(config.schedule.id, new Date(slotTime));
  const batch = await batchThatWrote(deps, partition, offset, found.get(LINEAGE_COLUMNS.ingestedAt) as Date);
  return {
    id: id.toLowerCase(),
    where: 'cassandra',
    row,
    writeTime: { micros, at: new Date(Number(BigInt(micros) / 1000n)).toISOString() },
    slot: { slotTime, workflowId: slotId, link: workflowLink(config.temporal.uiUrl, config.temporal.namespace, slotId) },
    kafka: { topic: config.kafka.topic, partition, offset },
    ...(batch ? { batch } : {}),
  };
}

/** The batch workflow whose offsets hold the record: the completed one if several cut it. */
async function batchThatWrote(deps: TraceDeps, partition: number, offset: string, ingestedAt: Date | null) {
  const { config } = deps;
  const around = ingestedAt ?? new Date();
  const query = [
    `WorkflowType = '${writeBatch.name}'`,
    `TaskQueue = '${config.temporal.sinkTaskQueue}'`,
    `WorkflowId STARTS_WITH 'batch-${config.kafka.topic}-p${partition}-'`,
    // A batch starts when it is cut, which is when its rows got their ingestion time; a re-read writes later.
    `StartTime >= '${new Date(around.getTime() - 3_600_000).toISOString()}'`,
    `StartTime <= '${new Date(around.getTime() + 600_000).toISOString()}'`,
  ].join(' AND ');
  const wanted = BigInt(offset);
  let best: { workflowId: string; runId: string; status: string; firstOffset: string; lastOffset: string } | undefined;
  for await (const execution of deps.temporal.workflow.list({ query })) {
    const range = parseBatchWorkflowId(execution.workflowId);
    if (!range || range.partition !== partition || BigInt(range.firstOffset) > wanted || BigInt(range.lastOffset) < wanted) continue;
    const candidate = { workflowId: execution.workflowId, runId: execution.runId, status: execution.status.name, firstOffset: range.firstOffset, lastOffset: range.lastOffset };
    if (!best || (best.status !== 'COMPLETED' && candidate.status === 'COMPLETED')) best = candidate;
  }
  if (!best) return undefined;
  return { ...best, activities: await activityAttempts(deps.temporal, best.workflowId, best.runId), link: workflowLink(config.temporal.uiUrl, config.temporal.namespace, best.workflowId, best.runId) };
}

/** Each activity of a workflow run with how many attempts it took and how it ended, from its history. */
export async function activityAttempts(temporal: Client, workflowId: string, runId: string): Promise<ActivityAttempts[]> {
  const history = await temporal.workflow.getHandle(workflowId, runId).fetchHistory();
  const byScheduledId = new Map<string, ActivityAttempts>();
  for (const event of history.events ?? []) {
    const eventId = String(event.eventId);
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled) byScheduledId.set(eventId, { activity: scheduled.activityType?.name ?? '?', attempts: 0, outcome: 'running' });
    const started = event.activityTaskStartedEventAttributes;
    if (started) {
      const entry = byScheduledId.get(String(started.scheduledEventId));
      if (entry) entry.attempts = started.attempt ?? 1;
    }
    const ended =
      (event.activityTaskCompletedEventAttributes && { id: event.activityTaskCompletedEventAttributes.scheduledEventId, outcome: 'completed' as const }) ||
      (event.activityTaskFailedEventAttributes && { id: event.activityTaskFailedEventAttributes.scheduledEventId, outcome: 'failed' as const }) ||
      (event.activityTaskTimedOutEventAttributes && { id: event.activityTaskTimedOutEventAttributes.scheduledEventId, outcome: 'timed out' as const });
    if (ended) {
      const entry = byScheduledId.get(String(ended.id));
      if (entry) entry.outcome = ended.outcome;
    }
  }
  return [...byScheduledId.values()];
}

/** For an id that is no row: the DLQ, then the records the sink group has not consumed yet. */
async function whereElse(deps: TraceDeps, id: string): Promise<Trace> {
  const { config } = deps;
  const { letters } = await readDeadLetters(deps.kafka, config.kafka);
  const letter = letters.find((l) => l.key === id);
  if (letter) return { id, where: 'dead-letter', reason: letter.reason, source: letter.source, failedAt: letter.failedAt, topic: config.kafka.dlqTopic };
  const admin = deps.kafka.admin();
  await admin.connect();
  let lags;
  try {
    lags = await consumerLag(admin, config.kafka.consumerGroup, config.kafka.topic);
  } finally {
    await admin.disconnect();
  }
  for (const p of lags.filter((l) => l.lag > 0)) {
    const first = (BigInt(p.endOffset) - BigInt(p.lag)).toString();
    const last = (BigInt(p.endOffset) - 1n).toString();
    const messages = await readPartitionRange(deps.kafka, { topic: config.kafka.topic, partition: p.partition, firstOffset: first, lastOffset: last });
    const message = messages.find((m) => m.key?.toString() === id);
    if (message) return { id, where: 'kafka', topic: config.kafka.topic, partition: p.partition, offset: message.offset, lag: p.lag };
  }
  return { id, where: 'unknown' };
}

function plain(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof types.Long) return value.toString();
  if (typeof value === 'object' && 'toString' in value && (value instanceof types.Uuid)) return value.toString();
  return value;
}
