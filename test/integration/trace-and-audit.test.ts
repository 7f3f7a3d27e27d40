import { randomUUID } from 'node:crypto';
import type { Trace } from '../../src/audit/trace-user';
import { renderPrometheus } from '../../src/metrics/prometheus';
import { parseBatchWorkflowId } from '../../src/sink/batch-id';
import { IsolatedPipeline, waitFor } from '../support/isolated-pipeline';
import { runPipeline } from '../support/run-command';

/**
 * Lineage and reconciliation on the real stack: `pipeline trace` for a written, a dead-lettered and an
 * unknown id; `pipeline audit` over a clean range and over one whose rows were deleted behind the
 * pipeline's back; and the audit schedule finding that deletion by itself.
 */
describe('trace and audit', () => {
  let pipeline: IsolatedPipeline;
  let env: Record<string, string>;
  let firstSlot: string;

  beforeAll(async () => {
    // Audit windows of 10 s that end 25 s before each run: a slot is audited about 25–35 s after it ran.
    pipeline = await IsolatedPipeline.create({ SCHEDULE_INTERVAL: '1s', USERS_PER_SLOT: '4', AUDIT_INTERVAL: '10s', AUDIT_SETTLE: '25s', TEMPORAL_UI_URL: 'http://ui.example:8233' });
    await pipeline.prepare();
    await pipeline.startWorkers();
    await pipeline.schedule().unpause('started by the test');
    await pipeline.waitForSlots(4);
    await pipeline.schedule().pause('paused by the test');
    await pipeline.waitForDrain();
    env = pipeline.commandEnv();
    const runs = await slotResults(pipeline);
    firstSlot = runs[0]!.slotTime;
  }, 180_000);

  afterAll(async () => {
    await pipeline?.close();
  });

  it('traces a written id to its slot, Kafka offset, batch workflow and write time', async () => {
    const [id] = await pipeline.cassandraIds();
    const result = await runPipeline(['trace', id!, '--json'], env);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    const trace = JSON.parse(result.stdout) as Extract<Trace, { where: 'cassandra' }>;
    expect(trace.where).toBe('cassandra');
    const row = (await pipeline.cassandra.execute(`SELECT kafka_partition, kafka_offset, slot_time, WRITETIME(full_name) AS wt FROM ${pipeline.config.cassandra.keyspace}.${pipeline.config.cassandra.table} WHERE id = ?`, [id], { prepare: true })).first();
    expect(trace.kafka).toEqual({ topic: pipeline.config.kafka.topic, partition: row.get('kafka_partition'), offset: row.get('kafka_offset').toString() });
    expect(trace.writeTime.micros).toBe(row.get('wt').toString());
    // The slot workflow it names is a real one that fetched this very id.
    const slot = await pipeline.temporal.workflow.getHandle(trace.slot.workflowId).result();
    expect(slot.ids).toContain(id);
    expect(trace.slot.slotTime).toBe((row.get('slot_time') as Date).toISOString());
    expect(trace.slot.link).toBe(`http://ui.example:8233/namespaces/default/workflows/${encodeURIComponent(trace.slot.workflowId)}`);
    // The batch it names covers the record's offset and wrote it.
    expect(trace.batch).toBeDefined();
    const range = parseBatchWorkflowId(trace.batch!.workflowId)!;
    expect(range.partition).toBe(trace.kafka.partition);
    expect(BigInt(range.firstOffset) <= BigInt(trace.kafka.offset) && BigInt(trace.kafka.offset) <= BigInt(range.lastOffset)).toBe(true);
    expect(trace.batch!.status).toBe('COMPLETED');
    expect(trace.batch!.activities).toContainEqual({ activity: 'writeRows', attempts: 1, outcome: 'completed' });
    expect(trace.batch!.link).toContain(encodeURIComponent(trace.batch!.workflowId));

    const human = await runPipeline(['trace', id!], env);
    expect(human.code).toBe(0);
    expect(human.stdout.split('\n')[0]).toBe(`user ${id}: in Cassandra`);
    expect(human.stdout).toContain(`partition ${trace.kafka.partition} offset ${trace.kafka.offset}`);
  });

  it('traces a dead-lettered id to its dead letter and reason, and an unknown id to "unknown" with exit 1', async () => {
    const id = randomUUID();
    const producer = pipeline.kafka.producer();
    await producer.connect();
    await producer.send({ topic: pipeline.config.kafka.topic, messages: [{ key: id, value: JSON.stringify({ schema_version: 1, id }) }] });
    await producer.disconnect();
    await pipeline.waitForDrain();
    const dead = await waitFor('the dead letter', async () => {
      const result = await runPipeline(['trace', id, '--json'], env);
      const trace = JSON.parse(result.stdout) as Trace;
      return trace.where === 'dead-letter' ? { result, trace } : undefined;
    }, 30_000, 500);
    expect(dead.result.code).toBe(0);
    expect(dead.trace).toMatchObject({ id, where: 'dead-letter', topic: pipeline.config.kafka.dlqTopic });
    expect((dead.trace as Extract<Trace, { where: 'dead-letter' }>).reason).toMatch(/full_name|required|missing/i);

    const unknown = randomUUID();
    const result = await runPipeline(['trace', unknown], env);
    expect({ code: result.code, out: result.stdout.trim() }).toEqual({ code: 1, out: `user ${unknown}: unknown: not in Cassandra, not in the dead-letter queue, not waiting on Kafka` });
    const wrong = await runPipeline(['trace', 'not-an-id'], env);
    expect({ code: wrong.code, err: wrong.stderr.trim() }).toEqual({ code: 2, err: 'error: trace: "not-an-id" is not a user id (expected a UUID like 0b7e7dee-87f7-4c5b-9a1e-3f1d2c4b5a69)' });
  });

  it('audits a clean range with exit 0, and names the slot and ids of rows deleted behind its back with exit 1', async () => {
    const runs = await slotResults(pipeline);
    const from = runs[0]!.slotTime;
    const to = runs[runs.length - 1]!.slotTime;
    const clean = await runPipeline(['audit', '--from', from, '--to', to, '--settle', '1s'], env);
    expect({ code: clean.code, stderr: clean.stderr }).toEqual({ code: 0, stderr: '' });
    expect(clean.stdout.trim()).toMatch(new RegExp(`^audit .*: ${runs.length} slot\\(s\\), ${runs.length} reconciled, 0 mismatched; users: ${runs.length * 4} fetched, ${runs.length * 4} in Cassandra, 0 dead-lettered, 0 rejected, 0 missing$`));

    // Two users of the second slot vanish from Cassandra.
    const victim = runs[1]!;
    const gone = victim.ids.slice(0, 2);
    for (const id of gone) await pipeline.cassandra.execute(`DELETE FROM ${pipeline.config.cassandra.keyspace}.${pipeline.config.cassandra.table} WHERE id = ?`, [id], { prepare: true });
    const broken = await runPipeline(['audit', '--from', from, '--to', to, '--settle', '1s'], env);
    expect(broken.code).toBe(1);
    const lines = broken.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe(`slot ${victim.slotTime} (${victim.workflowId}): fetched 4, published 4, in Cassandra 2, dead-lettered 0, rejected 0; missing 2: ${gone.join(', ')}`);
    expect(lines[1]).toMatch(/1 mismatched; users: .* 2 missing$/);
    const json = JSON.parse((await runPipeline(['audit', '--from', from, '--to', to, '--settle', '1s', '--json'], env)).stdout);
    expect(json.mismatched.map((m: { missing: string[] }) => m.missing)).toEqual([gone]);
  });

  it('finds that deletion by itself on the audit schedule: in the audit run, in status --json and in the metric', async () => {
    // Slots run now land in windows not audited yet; one loses a row right after it is written.
    await pipeline.schedule().unpause('started again by the test');
    const before = (await slotResults(pipeline)).length;
    await pipeline.waitForSlots(before + 3);
    await pipeline.schedule().pause('paused by the test');
    await pipeline.waitForDrain();
    const fresh = (await slotResults(pipeline)).slice(before);
    // The newest slot: its window is the last to be audited, so the deletion lands before its audit.
    const victim = fresh[fresh.length - 1]!;
    await pipeline.cassandra.execute(`DELETE FROM ${pipeline.config.cassandra.keyspace}.${pipeline.config.cassandra.table} WHERE id = ?`, [victim.ids[0]], { prepare: true });

    // The gauge and the status both show the latest audit run; each run is the latest for 10 s.
    const status = await waitFor('the audit schedule to report the mismatch', async () => {
      const result = await runPipeline(['status', '--json'], env);
      const parsed = JSON.parse(result.stdout);
      const audit = parsed.audit?.value;
      const metric = renderPrometheus(pipeline.counters, { topic: pipeline.config.kafka.topic });
      const found = audit && audit.recent.mismatches.some((line: string) => line.includes(victim.workflowId));
      return found && /^pipeline_audit_mismatched_slots 1$/m.test(metric) ? parsed : undefined;
    }, 120_000, 1000);
    // The deletion of the test before may have been audited too, if its window was audited after it.
    const lines = status.audit.value.recent.mismatches as string[];
    expect(lines.filter((line) => line.includes(victim.workflowId))).toEqual([`slot ${victim.slotTime} (${victim.workflowId}): fetched 4, published 4, in Cassandra 3, dead-lettered 0, rejected 0; missing 1: ${victim.ids[0]}`]);
    expect(status.audit.value.recent.mismatchedSlots).toBe(lines.length);
    // It stays in the status after newer, clean windows were audited.
    await pipeline.schedule().unpause('one more window');
    await pipeline.waitForSlots((await slotResults(pipeline)).length + 2);
    await pipeline.schedule().pause('paused by the test');
    await waitFor('a newer audit run', async () => {
      const parsed = JSON.parse((await runPipeline(['status', '--json'], env)).stdout);
      return parsed.audit.value.latest.workflowId !== status.audit.value.latest.workflowId ? parsed : undefined;
    }, 60_000, 1000);
    const later = await runPipeline(['status'], env);
    expect(later.stdout).toMatch(/^ {11}last hour: \d+ audit run\(s\), \d+ MISMATCHED slot\(s\), \d+ user\(s\) missing:$/m);
    expect(later.stdout).toContain(victim.workflowId);
    // Earlier windows, audited before anything was deleted in them, reconciled.
    expect(firstSlot < victim.slotTime).toBe(true);
  });
});

async function slotResults(pipeline: IsolatedPipeline): Promise<{ workflowId: string; slotTime: string; ids: string[] }[]> {
  const out: { workflowId: string; slotTime: string; ids: string[] }[] = [];
  for await (const e of pipeline.temporal.workflow.list({ query: `WorkflowType = 'ingestSlot' AND TaskQueue = '${pipeline.config.temporal.ingestTaskQueue}' AND ExecutionStatus = 'Completed'` })) {
    const result = await pipeline.temporal.workflow.getHandle(e.workflowId).result();
    out.push({ workflowId: e.workflowId, slotTime: result.slotTime, ids: result.ids ?? [] });
  }
  return out.sort((a, b) => a.slotTime.localeCompare(b.slotTime));
}
