import type { Client as CassandraClient } from 'cassandra-driver';
import { recentAudits, type RecentAudits } from '../../audit/latest-audit';
import { consumerLag, type PartitionLag } from '../../kafka/consumer-lag';
import { readDeadLetters } from '../../kafka/dead-letter-queue';
import type { CommandContext } from '../context';
import { formatAgo, formatTime, table } from '../output';
import { parseCommandArgs, parseDurationOption } from '../usage';
import { waitingOn } from '../waiting';
import { slotHealth, type SlotHealth } from '../../schedule/slot-health';
import { describeSchedule, type ScheduleSummary } from '../../schedule/describe-schedule';
import { withSchedule } from '../schedule-not-found';

export const STATUS_HELP = `usage: pipeline status [--watch] [--every DURATION] [--json]

Shows the schedule (state, last and next fire time, recent slot outcomes), the consumer group's lag per
partition (end offset, committed offset, lag), the dead-letter queue's depth, the rows in Cassandra, and
which workers poll the task queues. A server that does not answer is named instead of failing the command.

  --watch            refresh until Ctrl-C (every 2s, or --every)
  --json             one JSON document (with --watch: one per refresh)`;

type Section<T> = { ok: true; value: T } | { ok: false; error: string };

export interface PipelineStatus {
  at: string;
  ingestTaskQueue: string;
  schedule: Section<ScheduleSummary>;
  consumer: Section<{ group: string; topic: string; partitions: PartitionLag[]; totalLag: number }>;
  /** depth: messages on the topic; pending: the letters not yet replayed, by kind (read only when the topic holds any). */
  deadLetters: Section<{ topic: string; depth: number; pending?: { sink: number; sourceRejects: number } }>;
  rows: Section<{ table: string; count: number; method: string }>;
  pollers: Section<{ taskQueue: string; kind: string; identity: string; lastAccess: string | null }[]>;
  slots: Section<SlotHealth>;
  /** The audit schedule's runs of the last hour; null when none ran (or the audit is off). */
  audit: Section<RecentAudits | null>;
}

async function section<T>(service: string, load: () => Promise<T>, address?: string): Promise<Section<T>> {
  try {
    const work = withTimeout(load(), 8000, `${service} did not answer within 8 s`);
    return { ok: true, value: await (address ? waitingOn(`${service} at ${address}`, work) : work) };
  } catch (error) {
    return { ok: false, error: `${service} unavailable: ${(error as Error).message.split('\n')[0]}` };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(message)), ms);
    promise.then((v) => (clearTimeout(timer), resolve(v)), (e) => (clearTimeout(timer), reject(e)));
  });
}

/**
 * Rows: an exact `count(*)` is a full scan, cheap only while the table is small, so it gets 2 s;
 * past that the status falls back to Cassandra's own partition estimate (system.size_estimates).
 */
async function countRows(cassandra: CassandraClient, keyspace: string, table: string): Promise<{ table: string; count: number; method: string }> {
  const name = `${keyspace}.${table}`;
  try {
    const result = await cassandra.execute(`SELECT count(*) AS n FROM ${name}`, [], { readTimeout: 2000 });
    return { table: name, count: Number(result.first().get('n')), method: 'exact count(*), a full scan given 2 s' };
  } catch {
    const estimate = await cassandra.execute('SELECT partitions_count FROM system.size_estimates WHERE keyspace_name = ? AND table_name = ?', [keyspace, table], { prepare: true });
    const count = estimate.rows.reduce((sum, r) => sum + Number(r.get('partitions_count')), 0);
    return { table: name, count, method: 'estimate from system.size_estimates (count(*) took over 2 s)' };
  }
}

export async function collectStatus(context: CommandContext): Promise<PipelineStatus> {
  const { config } = context;
  const kafkaSections = async () => {
    const admin = context.kafka().admin({ retry: { retries: 1 } });
    await withTimeout(admin.connect(), 5000, 'no answer within 5 s');
    try {
      const [lag, dlq] = await Promise.all([
        consumerLag(admin, config.kafka.consumerGroup, config.kafka.topic),
        admin.fetchTopicOffsets(config.kafka.dlqTopic),
      ]);
      const dlqDepth = dlq.reduce((sum, p) => sum + Number(BigInt(p.high) - BigInt(p.low)), 0);
      // Rejected source users sit on the DLQ beside the sink's letters: count each kind (bounded wait).
      const pending = dlqDepth === 0 ? { sink: 0, sourceRejects: 0 } : await withTimeout(countPendingLetters(context), 10_000, 'no answer within 10 s').catch(() => undefined);
      return { lag, dlqDepth, pending };
    } finally {
      await admin.disconnect();
    }
  };
  const kafka = section('kafka', kafkaSections, `${config.kafka.brokers.join(',')} (KAFKA_BROKERS)`);
  const [schedule, kafkaResult, rows, pollers, slots, audit] = await Promise.all([
    section('temporal', async () => {
      const temporal = await context.temporal();
      return withSchedule(config.schedule.id, () => describeSchedule(temporal, config.schedule.id));
    }),
    kafka,
    section('cassandra', async () => countRows(await context.cassandra(), config.cassandra.keyspace, config.cassandra.table), `${config.cassandra.contactPoints.join(',')} (CASSANDRA_CONTACT_POINTS)`),
    section('temporal', async () => {
      const temporal = await context.temporal();
      const list: { taskQueue: string; kind: string; identity: string; lastAccess: string | null }[] = [];
      for (const taskQueue of [config.temporal.ingestTaskQueue, config.temporal.sinkTaskQueue]) {
        for (const [kind, taskQueueType] of [['workflow', 1], ['activity', 2]] as const) {
          const response = await temporal.workflowService.describeTaskQueue({ namespace: config.temporal.namespace, taskQueue: { name: taskQueue }, taskQueueType });
          for (const p of response.pollers ?? []) {
            const seconds = p.lastAccessTime?.seconds;
            list.push({ taskQueue, kind, identity: p.identity ?? '?', lastAccess: seconds ? new Date(Number(seconds) * 1000).toISOString() : null });
          }
        }
      }
      return list;
    }),
    section('temporal', async () => slotHealth(await context.temporal(), config.temporal.ingestTaskQueue)),
    section('temporal', async () => (await recentAudits(await context.temporal(), config)) ?? null),
  ]);
  return {
    at: new Date().toISOString(),
    ingestTaskQueue: config.temporal.ingestTaskQueue,
    schedule,
    consumer: kafkaResult.ok
      ? { ok: true, value: { group: config.kafka.consumerGroup, topic: config.kafka.topic, partitions: kafkaResult.value.lag, totalLag: kafkaResult.value.lag.reduce((s, p) => s + p.lag, 0) } }
      : kafkaResult,
    deadLetters: kafkaResult.ok
      ? { ok: true, value: { topic: config.kafka.dlqTopic, depth: kafkaResult.value.dlqDepth, ...(kafkaResult.value.pending ? { pending: kafkaResult.value.pending } : {}) } }
      : kafkaResult,
    rows,
    pollers,
    slots,
    audit,
  };
}

export function renderStatus(s: PipelineStatus): string {
  const out: string[] = [`pipeline status at ${formatTime(new Date(s.at))}`, ''];
  if (s.schedule.ok) {
    const sc = s.schedule.value;
    const last = sc.recentRuns[sc.recentRuns.length - 1];
    out.push(`schedule   ${sc.scheduleId}: ${sc.paused ? `PAUSED${sc.note ? ` (${sc.note})` : ''}` : 'running'}, every ${sc.intervalMs ? sc.intervalMs / 1000 : '?'} s`);
    out.push(`           last fire ${last ? `${formatTime(new Date(last.slotTime))} (${formatAgo(new Date(last.slotTime))}, ${last.status})` : '-'}, next ${sc.nextFireTimes[0] ? formatTime(new Date(sc.nextFireTimes[0])) : '-'}`);
    const outcomes = new Map<string, number>();
    for (const r of sc.recentRuns) outcomes.set(r.status, (outcomes.get(r.status) ?? 0) + 1);
    out.push(`           recent slots: ${[...outcomes].map(([k, v]) => `${v} ${k.toLowerCase()}`).join(', ') || 'none'}`);
  } else out.push(`schedule   ${s.schedule.error}`);
  out.push('');
  if (s.consumer.ok) {
    const c = s.consumer.value;
    out.push(`consumer   group ${c.group} on ${c.topic}: lag ${c.totalLag}`);
    out.push(table(['partition', 'end offset', 'committed', 'lag'], c.partitions.map((p) => [String(p.partition), p.endOffset, p.committedOffset ?? '-', String(p.lag)])).replace(/^/gm, '           '));
  } else out.push(`consumer   ${s.consumer.error}`);
  out.push(s.deadLetters.ok ? `dlq        ${s.deadLetters.value.topic}: ${s.deadLetters.value.depth} message(s)${renderPending(s.deadLetters.value.pending)}` : `dlq        ${s.deadLetters.error}`);
  out.push(s.rows.ok ? `rows       ${s.rows.value.table}: ${s.rows.value.count} — ${s.rows.value.method}` : `rows       ${s.rows.error}`);
  out.push('');
  if (s.pollers.ok) {
    if (s.pollers.value.length === 0) out.push('workers    no worker is polling the task queues');
    else out.push(table(['task queue', 'kind', 'worker', 'last poll'], s.pollers.value.map((p) => [p.taskQueue, p.kind, p.identity, p.lastAccess ? formatAgo(new Date(p.lastAccess)) : '-'])).replace(/^/gm, '           ').replace(/^ {11}/, 'workers    '));
  } else out.push(`workers    ${s.pollers.error}`);
  out.push(...renderSlots(s));
  out.push(...renderAudit(s));
  return out.join('\n');
}

function renderPending(pending: { sink: number; sourceRejects: number } | undefined): string {
  if (pending === undefined) return '';
  return `; not replayed: ${pending.sink} sink dead letter(s), rejected ${pending.sourceRejects} source user(s) (pipeline dlq list)`;
}

async function countPendingLetters(context: CommandContext): Promise<{ sink: number; sourceRejects: number }> {
  const { letters } = await readDeadLetters(context.kafka(), context.config.kafka);
  const sourceRejects = letters.filter((l) => l.kind === 'source-reject').length;
  return { sink: letters.length - sourceRejects, sourceRejects };
}

/** Slots waiting for a worker, and slots that never completed with the command that runs them again. */
function renderSlots(s: PipelineStatus): string[] {
  if (!s.slots.ok) return [`slots      ${s.slots.error}`];
  const { open, missed, missedFrom, missedTo } = s.slots.value;
  // The server lists a poller for minutes after its last poll; a live worker polls at least every ~60 s.
  const ingestPolling = s.pollers.ok && s.pollers.value.some((p) => p.kind === 'workflow' && p.taskQueue === s.ingestTaskQueue && p.lastAccess !== null && Date.parse(s.at) - Date.parse(p.lastAccess) < 75_000);
  const out: string[] = [];
  if (open > 0 && s.pollers.ok && !ingestPolling) out.push(`slots      no ingest worker polling; ${open} slot(s) waiting (they run when one starts, within an hour of firing)`);
  else out.push(`slots      ${open} running`);
  if (missed > 0) {
    out.push(`           ${missed} slot(s) timed out or failed, from ${formatTime(new Date(missedFrom!))} to ${formatTime(new Date(missedTo!))}; runs them again:`);
    out.push(`           npx pipeline schedule backfill --from ${missedFrom} --to ${missedTo}`);
  }
  return out;
}

/** The audits of the last hour: the newest window, and every slot any of them found not reconciling. */
function renderAudit(s: PipelineStatus): string[] {
  if (!s.audit.ok) return [`audit      ${s.audit.error}`];
  if (!s.audit.value) return ['audit      no audit run in the last hour (the audit schedule runs every AUDIT_INTERVAL; pipeline audit --from --to runs one now)'];
  const { latest, recent } = s.audit.value;
  const out = [`audit      last window ${formatTime(new Date(latest.summary.from))} .. ${formatTime(new Date(latest.summary.to))}: ${latest.summary.slots} slot(s) (ran ${latest.closedAt ? formatAgo(new Date(latest.closedAt)) : '?'})`];
  if (recent.mismatchedSlots === 0) out.push(`           last hour: ${recent.runs} audit run(s), every slot reconciles`);
  else {
    out.push(`           last hour: ${recent.runs} audit run(s), ${recent.mismatchedSlots} MISMATCHED slot(s), ${recent.missingUsers} user(s) missing:`);
    for (const line of recent.mismatches.slice(0, 5)) out.push(`           ${line}`);
    for (const link of recent.links.slice(0, 3)) out.push(`           ${link}`);
  }
  return out;
}

export async function statusCommand(context: CommandContext, args: string[]): Promise<number> {
  const { values } = parseCommandArgs('status', args, { watch: { type: 'boolean', short: 'w' }, every: { type: 'string' } });
  if (values.help) {
    console.log(STATUS_HELP);
    return 0;
  }
  const everyMs = values.every ? parseDurationOption('--every', values.every) : 2000;
  for (;;) {
    const status = await collectStatus(context);
    if (values.json) console.log(JSON.stringify(status, null, values.watch ? 0 : 2));
    else {
      if (values.watch && process.stdout.isTTY) process.stdout.write('\x1b[2J\x1b[H');
      console.log(renderStatus(status));
    }
    if (!values.watch) {
      const healthy = status.schedule.ok && status.consumer.ok && status.rows.ok && status.pollers.ok;
      return healthy ? 0 : 1;
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
