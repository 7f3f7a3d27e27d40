import type { Client } from '@temporalio/client';
import type { Client as CassandraClient } from 'cassandra-driver';
import type { Kafka } from 'kafkajs';
import { forEachLimited } from '../concurrency/for-each-limited';
import type { AuditCounts } from '../contracts/audit';
import type { PipelineConfig } from '../config/pipeline-config';
import { originKey, readDeadLetters } from '../kafka/dead-letter-queue';
import { ingestSlot } from '../workflows/ingest-slot';
import { reconcileSlot, type SlotRun, type SlotVerdict } from './reconcile-slot';

export interface AuditDeps {
  config: PipelineConfig;
  temporal: Client;
  cassandra: CassandraClient;
  kafka: Kafka;
}

export interface AuditRange {
  from: Date;
  to: Date;
  /** Slots that closed less than this long ago are left as pending: their records may still be on their way (AUDIT_SETTLE). */
  settleMs: number;
  onProgress?: (progress: { done: number; total: number }) => void;
}

export interface AuditReport extends AuditCounts {
  /** Slots that do not reconcile: missing users, short publishes, or runs that never completed. */
  mismatched: SlotVerdict[];
  users: { fetched: number; rows: number; deadLettered: number; rejected: number; missing: number };
}

const SLOT_TIME = /-(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{3})?Z)$/;

/**
 * Reconciles every slot of the schedule whose slot time lies in [from, to]: the ids each slot's
 * workflow fetched against the rows Cassandra holds and the dead letters the DLQ holds. The latest run
 * of each slot counts; a slot that never ran is not seen here (the schedule's pauses are not gaps).
 */
export async function auditSlots(deps: AuditDeps, range: AuditRange): Promise<AuditReport> {
  const { config } = deps;
  const runs = await latestSlotRuns(deps.temporal, config, range);
  const total = runs.length;
  let done = 0;
  await forEachLimited(runs, 16, async (run) => {
    if (run.status === 'COMPLETED') run.result = await deps.temporal.workflow.getHandle<typeof ingestSlot>(run.workflowId).result().catch(() => undefined);
    range.onProgress?.({ done: ++done, total });
  });
  const wanted = runs.flatMap((r) => [...(r.result?.ids ?? []), ...(r.result?.rejects ?? []).flatMap((reject) => (reject.uuid !== undefined && UUID.test(reject.uuid) ? [reject.uuid] : []))]);
  const [present, { deadLettered, quarantined }] = await Promise.all([presentIds(deps.cassandra, config.cassandra, wanted), deadLetterKeys(deps.kafka, config)]);
  const settledBefore = new Date(Date.now() - range.settleMs);
  const report: AuditReport = {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    slots: runs.length,
    reconciled: 0,
    pending: 0,
    unaudited: 0,
    mismatched: [],
    users: { fetched: 0, rows: 0, deadLettered: 0, rejected: 0, missing: 0 },
  };
  for (const run of runs) {
    const verdict = reconcileSlot(run, present, deadLettered, settledBefore, quarantined);
    if (verdict.kind === 'reconciled' || verdict.kind === 'mismatch') {
      report.users.fetched += verdict.fetched;
      report.users.rows += verdict.rows;
      report.users.deadLettered += verdict.deadLettered;
      report.users.rejected += verdict.rejected;
    }
    if (verdict.kind === 'reconciled') report.reconciled++;
    else if (verdict.kind === 'pending') report.pending++;
    else if (verdict.kind === 'unaudited') report.unaudited++;
    else {
      if (verdict.kind === 'mismatch') report.users.missing += verdict.missing.length;
      report.mismatched.push(verdict);
    }
  }
  return report;
}

/** The latest run of every slot of the schedule with a slot time in [from, to], oldest slot first. */
async function latestSlotRuns(temporal: Client, config: PipelineConfig, range: AuditRange): Promise<SlotRun[]> {
  const prefix = `${config.schedule.id}-`;
  // A slot's workflow starts at its slot time or later (a backfill, a catch-up), never before.
  const query = `WorkflowType = '${ingestSlot.name}' AND TaskQueue = '${config.temporal.ingestTaskQueue}' AND StartTime >= '${range.from.toISOString()}'`;
  const latest = new Map<string, { run: SlotRun; startedAt: number }>();
  for await (const execution of temporal.workflow.list({ query })) {
    if (!execution.workflowId.startsWith(prefix)) continue;
    const match = SLOT_TIME.exec(execution.workflowId);
    if (!match || execution.workflowId.length !== prefix.length + match[1]!.length) continue;
    const slot = new Date(match[1]!);
    if (slot < range.from || slot > range.to) continue;
    const startedAt = execution.startTime.getTime();
    const known = latest.get(execution.workflowId);
    if (known && known.startedAt >= startedAt) continue;
    latest.set(execution.workflowId, {
      startedAt,
      run: { workflowId: execution.workflowId, slotTime: slot.toISOString(), status: execution.status.name, ...(execution.closeTime ? { closedAt: execution.closeTime } : {}) },
    });
  }
  return [...latest.values()].map((v) => v.run).sort((a, b) => a.slotTime.localeCompare(b.slotTime));
}

/** Which of the ids are rows of the pipeline's table. */
async function presentIds(cassandra: CassandraClient, config: PipelineConfig['cassandra'], ids: string[]): Promise<Set<string>> {
  const present = new Set<string>();
  const unique = [...new Set(ids)];
  const query = `SELECT id FROM ${config.keyspace}.${config.table} WHERE id IN ?`;
  const chunks: string[][] = [];
  for (let i = 0; i < unique.length; i += 100) chunks.push(unique.slice(i, i + 100));
  await forEachLimited(chunks, 8, async (chunk) => {
    const result = await cassandra.execute(query, [chunk], { prepare: true });
    for (const row of result.rows) present.add(row.get('id').toString());
  });
  return present;
}

/** Keys of the dead letters not yet replayed: the sink's (user ids) and the source rejects' (slot run, page, position). */
async function deadLetterKeys(kafka: Kafka, config: PipelineConfig): Promise<{ deadLettered: Set<string>; quarantined: Set<string> }> {
  const { letters } = await readDeadLetters(kafka, config.kafka);
  const deadLettered = new Set<string>();
  const quarantined = new Set<string>();
  for (const letter of letters) {
    if (letter.kind === 'source-reject') quarantined.add(originKey(letter));
    else if (letter.key !== null) deadLettered.add(letter.key);
  }
  return { deadLettered, quarantined };
}

// Only well-formed uuids can be rows (the id column is a uuid); a malformed one cannot be looked up.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;


