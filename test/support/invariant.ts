import fs from 'node:fs';
import path from 'node:path';
import type { IsolatedPipeline } from './isolated-pipeline';
import { parseBatchWorkflowId } from '../../src/sink/batch-id';
import type { IngestSlotResult } from '../../src/workflows/ingest-slot';

export interface InvariantReport {
  /** Slot workflows that completed, and those that did not (still running, failed, timed out). */
  slotsCompleted: number;
  slotsNotCompleted: number;
  notCompleted: string[];
  /** Users the source served for the completed slots. */
  expected: number;
  /** Rows in Cassandra, and how many of them are distinct ids. */
  rows: number;
  lost: number;
  duplicated: number;
  /** Rows whose id no completed slot was served. */
  unexpected: number;
  deadLetters: number;
  /** Dead letters that are not among the poison messages the test sent, and poison messages missing. */
  unexpectedDeadLetters: number;
  missingDeadLetters: number;
  /** When rows are lost: where the first of them are on the topic, and the batches that covered them. */
  lostDetail?: { onTopic: number; notOnTopic: number; samples: { id: string; partition?: number; offset?: string; slot?: string; batches: string[] }[] };
}

/**
 * The reliability invariant: the ids in Cassandra are exactly the ids the source served for the slots
 * that completed, one row each, and the DLQ holds exactly the poison messages the test sent.
 */
export async function checkInvariant(pipeline: IsolatedPipeline, options: { poisonValues?: string[]; publishedIds?: ReadonlySet<string> } = {}): Promise<InvariantReport> {
  const { config, temporal } = pipeline;
  const expected = new Set<string>();
  let slotsCompleted = 0;
  let slotsNotCompleted = 0;
  const notCompleted: string[] = [];
  // A slot is one workflow id; a run that timed out and was run again (a catch-up, a backfill) counts
  // by its run that completed.
  const runs = new Map<string, { status: string; runId: string }[]>();
  for await (const execution of temporal.workflow.list({ query: `WorkflowType = 'ingestSlot' AND TaskQueue = '${config.temporal.ingestTaskQueue}'` })) {
    runs.set(execution.workflowId, [...(runs.get(execution.workflowId) ?? []), { status: execution.status.name, runId: execution.runId }]);
  }
  for (const [workflowId, ofSlot] of runs) {
    const completed = ofSlot.find((r) => r.status === 'COMPLETED');
    if (!completed) {
      slotsNotCompleted += 1;
      notCompleted.push(`${workflowId}: ${ofSlot.map((r) => r.status).join(', ')}`);
      continue;
    }
    slotsCompleted += 1;
    const result = (await temporal.workflow.getHandle(workflowId, completed.runId).result()) as IngestSlotResult;
    for (const id of pipeline.served.get(result.seed) ?? []) expected.add(id);
  }
  // Rows of records the test published itself (versions of keys: see versions.ts) are checked apart.
  const ids = (await pipeline.cassandraIds()).filter((id) => !options.publishedIds?.has(id));
  const distinct = new Set(ids);
  const poison = [...(options.poisonValues ?? [])];
  const letters = (await pipeline.readTopic(config.kafka.dlqTopic)).map((m) => m.value ?? '');
  const remaining = [...letters];
  let unexpectedDeadLetters = 0;
  for (const value of poison) {
    const at = remaining.indexOf(value);
    if (at >= 0) remaining.splice(at, 1);
  }
  unexpectedDeadLetters = remaining.length;
  const missingDeadLetters = poison.filter((value) => !letters.includes(value)).length;
  const lostIds = [...expected].filter((id) => !distinct.has(id));
  const lostDetail = lostIds.length > 0 ? await describeLost(pipeline, lostIds) : undefined;
  return {
    lostDetail,
    slotsCompleted,
    slotsNotCompleted,
    notCompleted,
    expected: expected.size,
    rows: ids.length,
    lost: lostIds.length,
    duplicated: ids.length - distinct.size,
    unexpected: [...distinct].filter((id) => !expected.has(id)).length,
    deadLetters: letters.length,
    unexpectedDeadLetters,
    missingDeadLetters,
  };
}

/** Where lost ids sit on the topic, and which batch workflows covered their offsets (with their results). */
async function describeLost(pipeline: IsolatedPipeline, lostIds: string[]): Promise<NonNullable<InvariantReport['lostDetail']>> {
  const onTopic = new Map<string, { partition: number; offset: string; slot?: string }>();
  for (const m of await pipeline.readTopic(pipeline.config.kafka.topic)) {
    if (m.key && !onTopic.has(m.key)) onTopic.set(m.key, { partition: m.partition, offset: m.offset, slot: m.headers['pipeline-slot-time'] });
  }
  const batches: { id: string; partition: number; first: bigint; last: bigint; status: string }[] = [];
  for await (const e of pipeline.temporal.workflow.list({ query: `WorkflowType = 'writeBatch' AND TaskQueue = '${pipeline.config.temporal.sinkTaskQueue}'` })) {
    const at = parseBatchWorkflowId(e.workflowId);
    if (at) batches.push({ id: e.workflowId, partition: at.partition, first: BigInt(at.firstOffset), last: BigInt(at.lastOffset), status: e.status.name });
  }
  const samples = [];
  for (const id of lostIds.slice(0, 20)) {
    const at = onTopic.get(id);
    const covering = at ? batches.filter((b) => b.partition === at.partition && b.first <= BigInt(at.offset) && BigInt(at.offset) <= b.last) : [];
    const described = [];
    for (const b of covering) {
      const result = b.status === 'COMPLETED' ? await pipeline.temporal.workflow.getHandle(b.id).result().catch(() => undefined) : undefined;
      described.push(`${b.id} ${b.status} ${JSON.stringify(result ?? null)}`);
    }
    samples.push({ id, ...at, batches: described });
  }
  const found = lostIds.filter((id) => onTopic.has(id)).length;
  return { onTopic: found, notOnTopic: lostIds.length - found, samples };
}

/** Asserts the invariant held (jest) and records the figures for docs/RELIABILITY.md. */
export function expectInvariant(name: string, report: InvariantReport, extra: Record<string, unknown> = {}): void {
  const file = path.resolve(__dirname, '..', '..', 'test-artifacts', 'reliability', `${name}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify({ fault: name, at: new Date().toISOString(), ...extra, ...report }, null, 2)}\n`);
  expect(report.slotsCompleted).toBeGreaterThan(0);
  expect(report.notCompleted).toEqual([]);
  expect({ lost: report.lost, duplicated: report.duplicated, unexpected: report.unexpected }).toEqual({ lost: 0, duplicated: 0, unexpected: 0 });
  expect(report.rows).toBe(report.expected);
  expect({ unexpectedDeadLetters: report.unexpectedDeadLetters, missingDeadLetters: report.missingDeadLetters }).toEqual({ unexpectedDeadLetters: 0, missingDeadLetters: 0 });
}
