import fs from 'node:fs';
import { auditSlots } from '../../src/audit/audit-slots';
import { readDeadLetters, type DeadLetter } from '../../src/kafka/dead-letter-queue';
import { REJECT_HEADER, toSourceRejectLetter } from '../../src/kafka/dead-letter';
import { createProducer, sendAcknowledged } from '../../src/kafka/client';
import { generateUsers } from '../../src/dev/fake-source/generator';
import { toSourceReject } from '../../src/record/source-reject';
import type { IngestSlotResult } from '../../src/workflows/ingest-slot';
import { startHostileSource } from '../support/hostile-source';
import { IsolatedPipeline, sleep, waitFor } from '../support/isolated-pipeline';
import { runPipeline } from '../support/run-command';
import { renderPrometheus } from '../../src/metrics/prometheus';

const RUN_MS = 80_000;
const USERS_PER_SLOT = 50;

/**
 * 80 s of 2-s slots × 50 users against an upstream that serves one malformed user in 1 of 6 pages and
 * hiccups on the first request of some pages (503 with Retry-After: 1, a body cut short, 4 s of silence
 * past SOURCE_TIMEOUT). A bad user costs only itself; a hiccup costs nothing.
 */
describe('bad source records and a flaky upstream', () => {
  let pipeline: IsolatedPipeline;
  let source: Awaited<ReturnType<typeof startHostileSource>>;
  let slots: { workflowId: string; runId: string; status: string; result?: IngestSlotResult }[] = [];
  let letters: DeadLetter[] = [];
  const from = new Date();

  beforeAll(async () => {
    source = await startHostileSource({ malformedEvery: 3, hiccupEvery: 4, silenceMs: 4000 });
    pipeline = await IsolatedPipeline.create({ SOURCE_URL: source.url, SOURCE_TIMEOUT: '2s', SCHEDULE_INTERVAL: '2s', USERS_PER_SLOT: String(USERS_PER_SLOT) });
    await pipeline.prepare();
    await pipeline.startWorkers();
    await pipeline.schedule().unpause('bad source records test');
    await sleep(RUN_MS);
    await pipeline.schedule().pause('bad source records test: done');
    await pipeline.waitForSlotsToFinish();
    await pipeline.waitForDrain();
    slots = await slotRuns();
    letters = (await readDeadLetters(pipeline.kafka, pipeline.config.kafka)).letters;
  }, RUN_MS + 240_000);

  afterAll(async () => {
    // The run's figures, for docs/RELIABILITY.md.
    const hiccups = source?.hiccups ?? [];
    fs.mkdirSync('test-artifacts', { recursive: true });
    fs.writeFileSync('test-artifacts/bad-source-records.json', JSON.stringify({
      slots: slots.length,
      completed: slots.filter((s) => s.status === 'COMPLETED').length,
      users: slots.reduce((sum, s) => sum + (s.result?.fetched ?? 0), 0),
      published: slots.reduce((sum, s) => sum + (s.result?.published ?? 0), 0),
      rejected: slots.reduce((sum, s) => sum + (s.result?.rejected ?? 0), 0),
      quarantined: letters.filter((l) => l.kind === 'source-reject').length,
      hiccups: Object.fromEntries(['503', 'truncated', 'silence'].map((kind) => [kind, hiccups.filter((h) => h.hiccup === kind).length])),
      slotSeconds: slotSeconds,
    }, null, 2));
    await pipeline?.close();
    await source?.close();
  }, 120_000);

  let slotSeconds: { median: number; max: number } | undefined;

  async function slotRuns() {
    const runs: typeof slots = [];
    const durations: number[] = [];
    for await (const execution of pipeline.temporal.workflow.list({ query: `WorkflowType = 'ingestSlot' AND TaskQueue = '${pipeline.config.temporal.ingestTaskQueue}'` })) {
      const handle = pipeline.temporal.workflow.getHandle(execution.workflowId, execution.runId);
      const result = execution.status.name === 'COMPLETED' ? ((await handle.result()) as IngestSlotResult) : undefined;
      runs.push({ workflowId: execution.workflowId, runId: execution.runId, status: execution.status.name, ...(result ? { result } : {}) });
      if (execution.closeTime) durations.push((execution.closeTime.getTime() - execution.startTime.getTime()) / 1000);
    }
    durations.sort((a, b) => a - b);
    slotSeconds = { median: durations[Math.floor(durations.length / 2)] ?? 0, max: durations[durations.length - 1] ?? 0 };
    return runs;
  }

  const slotSeeds = () => new Set(slots.map((s) => s.result?.seed).filter((seed): seed is string => seed !== undefined));
  const servedPages = () => source.served.filter((p) => slotSeeds().has(p.seed));

  it('completes every slot, through every kind of hiccup', () => {
    expect(slots.length).toBeGreaterThanOrEqual(30);
    expect(slots.filter((s) => s.status !== 'COMPLETED')).toEqual([]);
    const kinds = new Set(source.hiccups.filter((h) => slotSeeds().has(h.seed)).map((h) => h.hiccup));
    expect([...kinds].sort()).toEqual(['503', 'silence', 'truncated']);
    for (const slot of slots) expect(slot.result!.fetched).toBe(USERS_PER_SLOT);
  });

  it('writes every valid user of every page served to Cassandra, its text as it came', async () => {
    const expected = new Set(servedPages().flatMap((p) => [...p.valid]));
    const ids = new Set(await pipeline.cassandraIds());
    expect([...expected].filter((id) => !ids.has(id))).toEqual([]);
    const worldText = servedPages().flatMap((p) => [...p.worldText]);
    expect(worldText.length).toBeGreaterThan(20);
    const rows = await pipeline.readAllRows(`SELECT id, full_name, location, city FROM ${pipeline.config.cassandra.keyspace}.${pipeline.config.cassandra.table}`);
    const byId = new Map(rows.map((r) => [r.get('id').toString(), { fullName: r.get('full_name'), location: r.get('location'), city: r.get('city') }]));
    for (const [id, text] of worldText) expect(byId.get(id)).toEqual(text);
  });

  it('quarantines every malformed user exactly once per slot run, with its raw JSON and reason', () => {
    const rejects = letters.filter((l) => l.kind === 'source-reject');
    const malformed = servedPages().flatMap((p) => p.malformed.map((m) => ({ ...m, seed: p.seed })));
    expect(malformed.length).toBeGreaterThanOrEqual(3);
    expect(rejects).toHaveLength(malformed.length);
    for (const reject of rejects) expect(reject.copies).toBe(1);
    for (const m of malformed) {
      const slot = slots.find((s) => s.result?.seed === m.seed)!;
      const letter = rejects.find((l) => l.headers[REJECT_HEADER.workflowId] === slot.workflowId && l.headers[REJECT_HEADER.index] === String(m.index));
      expect(letter).toBeDefined();
      expect(letter!.value!.toString('utf8')).toBe(m.json);
      expect(letter!.reason).toMatch(/^(login\.uuid|name|location\.coordinates\.latitude|email) is /);
      expect(letter!.headers).toMatchObject({ [REJECT_HEADER.runId]: slot.runId, [REJECT_HEADER.page]: '1', [REJECT_HEADER.slotTime]: slot.result!.slotTime });
      expect(letter!.headers[REJECT_HEADER.sourceUrl]).toContain(source.url);
      expect(Date.parse(letter!.headers[REJECT_HEADER.fetchedAt]!)).toBeGreaterThanOrEqual(from.getTime());
      expect(slot.result!.rejected).toBe(1);
      expect(slot.result!.published).toBe(USERS_PER_SLOT - 1);
    }
    expect(pipeline.counters.sourceRejected).toBe(malformed.length);
  });

  it('shows the rejects where dead letters show: dlq list, status, the metric', async () => {
    const rejected = letters.filter((l) => l.kind === 'source-reject').length;
    const list = await runPipeline(['dlq', 'list', '--limit', '1000', '--json'], pipeline.commandEnv());
    expect(list.code).toBe(0);
    const listed = JSON.parse(list.stdout) as { kind: string; reason: string; source: string }[];
    expect(listed.filter((l) => l.kind === 'source-reject')).toHaveLength(rejected);
    expect(listed.find((l) => l.kind === 'source-reject')!.source).toMatch(/^source slot \S+ page 1 #\d+$/);
    const human = await runPipeline(['dlq', 'list'], pipeline.commandEnv());
    expect(human.stdout).toContain('source reject');
    expect(human.stdout).toContain(`${rejected} of them source rejects`);
    const status = await runPipeline(['status', '--json'], pipeline.commandEnv());
    expect(JSON.parse(status.stdout).deadLetters.value.pending).toEqual({ sink: 0, sourceRejects: rejected });
    expect(renderPrometheus(pipeline.counters, { topic: pipeline.config.kafka.topic })).toMatch(new RegExp(`^pipeline_source_rejected_total ${rejected}$`, "m"));
  });

  it('never trips the source health gate on hiccups', async () => {
    expect(pipeline.counters.sourceGateClosed).toBe(false);
    expect((await pipeline.schedule().describe()).state.note).toBe('bad source records test: done');
  });

  it('audits clean: fetched = written + dead-lettered + rejected', async () => {
    const report = await auditSlots({ config: pipeline.config, temporal: pipeline.temporal, cassandra: pipeline.cassandra, kafka: pipeline.kafka }, { from, to: new Date(), settleMs: 0 });
    expect(report.mismatched).toEqual([]);
    expect(report.reconciled).toBe(slots.length);
    expect(report.users).toMatchObject({ fetched: slots.length * USERS_PER_SLOT, missing: 0, rejected: letters.filter((l) => l.kind === 'source-reject').length });
    expect(report.users.rows + report.users.deadLettered + report.users.rejected).toBe(report.users.fetched);
  });

  it('a rerun of a slot with a reject publishes the same users again and rejects the same user once more, for that run', async () => {
    const slot = slots.find((s) => (s.result?.rejected ?? 0) > 0)!;
    const rowsBefore = (await pipeline.cassandraIds()).length;
    const handle = await pipeline.temporal.workflow.start('ingestSlot', {
      taskQueue: pipeline.config.temporal.ingestTaskQueue,
      workflowId: slot.workflowId,
      args: [{ scheduleId: pipeline.config.schedule.id, usersPerSlot: USERS_PER_SLOT, slotTime: slot.result!.slotTime }],
    });
    const rerun = (await handle.result()) as IngestSlotResult;
    expect(rerun.ids).toEqual(slot.result!.ids);
    expect(rerun.rejected).toBe(1);
    await pipeline.waitForDrain();
    expect((await pipeline.cassandraIds()).length).toBe(rowsBefore);
    const forSlot = (await readDeadLetters(pipeline.kafka, pipeline.config.kafka)).letters.filter((l) => l.kind === 'source-reject' && l.headers[REJECT_HEADER.workflowId] === slot.workflowId);
    expect(forSlot.map((l) => l.headers[REJECT_HEADER.runId]).sort()).toEqual([slot.runId, handle.firstExecutionRunId].sort());
    expect(forSlot.map((l) => l.value!.toString('utf8'))).toEqual([forSlot[0]!.value!.toString('utf8'), forSlot[0]!.value!.toString('utf8')]);
    const report = await auditSlots({ config: pipeline.config, temporal: pipeline.temporal, cassandra: pipeline.cassandra, kafka: pipeline.kafka }, { from, to: new Date(), settleMs: 0 });
    expect(report.mismatched).toEqual([]);
  });

  it('dlq replay sends a reject its user now passes back as its record, and keeps the others with their reason', async () => {
    // A user an older, stricter release rejected: valid today, so a replay makes it a row.
    const [user] = generateUsers({ seed: 'rejected-by-an-older-release', page: 1, results: 1 });
    const slotTime = '2026-12-04T09:00:00.000Z';
    const reject = toSourceReject(user, 0, 'location.postcode is 12345 (an older release wanted text)', { page: 1, sourceUrl: source.url, slotTime: new Date(slotTime), fetchedAt: new Date('2026-12-04T09:00:01Z') });
    const producer = createProducer(pipeline.kafka);
    await producer.connect();
    await sendAcknowledged(producer, { topic: pipeline.config.kafka.dlqTopic, acks: -1, messages: [toSourceRejectLetter(reject, { workflowId: 'older', runId: 'r0', slotTime }, {}, new Date())] });
    await producer.disconnect();
    const stillInvalid = letters.filter((l) => l.kind === 'source-reject').length + 1; // the rerun's reject too
    const replay = await runPipeline(['dlq', 'replay', '--json'], pipeline.commandEnv());
    expect(replay.code).toBe(0);
    const report = JSON.parse(replay.stdout) as { replayed: number; stillDead: { reason: string }[] };
    expect(report.replayed).toBe(1);
    expect(report.stillDead).toHaveLength(stillInvalid);
    for (const dead of report.stillDead) expect(dead.reason).toMatch(/^(login\.uuid|name|location\.coordinates\.latitude|email) is /);
    await waitFor('the replayed reject as a row', async () => {
      const rows = await pipeline.cassandra.execute(`SELECT slot_time FROM ${pipeline.config.cassandra.keyspace}.${pipeline.config.cassandra.table} WHERE id = ?`, [user!.login.uuid], { prepare: true });
      return rows.rows[0]?.get('slot_time')?.toISOString() === slotTime;
    }, 60_000);
  });
});
