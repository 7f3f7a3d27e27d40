import { PIPELINE_ENV_VARIABLES } from '../../src/config/pipeline-config';
import { parseBatchWorkflowId } from '../../src/sink/batch-id';
import { IsolatedPipeline, sleep, waitFor } from '../support/isolated-pipeline';
import { unusedPort } from '../support/ports';
import { uniqueName } from '../support/stack-addresses';
import { runPipeline } from '../support/run-command';
import { WorkerProcess } from '../support/worker-process';

/**
 * Every setting through the processes users run: the prepare job, `npm run worker:ingest`,
 * `npm run worker:sink`, `npm start` and `pipeline`, each started as its own process with settings
 * changed from their defaults, and each effect seen from outside with plain clients. One start of each
 * process checks many settings at once.
 */

type Check = { seen: string } | { notSeen: string };

/**
 * Every variable of the settings schema: where this file sees its effect, or why it cannot be seen from
 * outside here. A variable in neither column fails the last test, so a new setting comes with its check.
 */
const SETTINGS: Record<string, Check> = {
  TEMPORAL_ADDRESS: { seen: 'every process reaches the stack at the address it is given (no default server here)' },
  TEMPORAL_NAMESPACE: { notSeen: 'the local stack serves one namespace; a wrong one is refused at start (first-hour.test.ts)' },
  INGEST_TASK_QUEUE: { seen: 'the schedule the prepare job writes starts its slots on it' },
  SINK_TASK_QUEUE: { seen: 'the sink worker starts its batch workflows on it; the audit schedule runs there' },
  TEMPORAL_UI_URL: { notSeen: 'only printed in links; web-ui.test.ts opens the links a harness prints' },
  WORKFLOW_BUNDLE_PATH: { notSeen: 'the processes here run the bundle built beside the code; workflow-bundle.test.ts starts a worker on another path' },
  TEMPORAL_TLS: { notSeen: 'TLS settings are proven against the TLS listeners in tls.test.ts and security.test.ts' },
  TEMPORAL_TLS_CA_FILE: { notSeen: 'see TEMPORAL_TLS' },
  TEMPORAL_TLS_CERT_FILE: { notSeen: 'see TEMPORAL_TLS' },
  TEMPORAL_TLS_KEY_FILE: { notSeen: 'see TEMPORAL_TLS' },
  TEMPORAL_TLS_SERVER_NAME: { notSeen: 'see TEMPORAL_TLS' },
  TEMPORAL_API_KEY: { notSeen: 'see TEMPORAL_TLS (the stack checks the key over mutual TLS)' },
  KAFKA_BROKERS: { seen: 'every process reaches the stack at the brokers it is given' },
  KAFKA_CLIENT_ID: { seen: "the sink's group members carry it as their client id" },
  KAFKA_TOPIC: { seen: 'the prepare job creates it; the slots publish to it' },
  KAFKA_DLQ_TOPIC: { seen: 'the prepare job creates it under the name given' },
  KAFKA_TOPIC_PARTITIONS: { seen: 'the topics the prepare job creates have that many partitions' },
  KAFKA_REPLICATION_FACTOR: { notSeen: 'the local stack has one broker, so only 1 can be created; a larger one is refused by Kafka at prepare' },
  KAFKA_CONSUMER_GROUP: { seen: "the sink worker's consumers join that group" },
  KAFKA_SASL_MECHANISM: { notSeen: 'see TEMPORAL_TLS (SASL/PLAIN and SCRAM listeners)' },
  KAFKA_SASL_USERNAME: { notSeen: 'see KAFKA_SASL_MECHANISM' },
  KAFKA_SASL_PASSWORD: { notSeen: 'see KAFKA_SASL_MECHANISM' },
  KAFKA_TLS: { notSeen: 'see TEMPORAL_TLS' },
  KAFKA_TLS_CA_FILE: { notSeen: 'see TEMPORAL_TLS' },
  KAFKA_TLS_CERT_FILE: { notSeen: 'see TEMPORAL_TLS' },
  KAFKA_TLS_KEY_FILE: { notSeen: 'see TEMPORAL_TLS' },
  CASSANDRA_CONTACT_POINTS: { seen: 'every process reaches the stack at the contact points it is given' },
  CASSANDRA_LOCAL_DATACENTER: { notSeen: 'the local stack has one data centre; cluster-faults.test.ts names it on a ring' },
  CASSANDRA_USERNAME: { notSeen: 'see TEMPORAL_TLS (the TLS stack runs Cassandra with a role)' },
  CASSANDRA_PASSWORD: { notSeen: 'see CASSANDRA_USERNAME' },
  CASSANDRA_TLS: { notSeen: 'see TEMPORAL_TLS' },
  CASSANDRA_TLS_CA_FILE: { notSeen: 'see TEMPORAL_TLS' },
  CASSANDRA_TLS_CERT_FILE: { notSeen: 'see TEMPORAL_TLS' },
  CASSANDRA_TLS_KEY_FILE: { notSeen: 'see TEMPORAL_TLS' },
  CASSANDRA_KEYSPACE: { seen: 'the prepare job creates it; the sink writes into it' },
  CASSANDRA_TABLE: { seen: 'the prepare job creates it under the name given; the sink writes into it' },
  CASSANDRA_REPLICATION_FACTOR: { seen: "the keyspace's replication, and the refusal of a consistency level above it" },
  CASSANDRA_WRITE_CONCURRENCY: { notSeen: 'requests in flight inside the process: no server shows them; the sink bench measures their effect' },
  CASSANDRA_WRITE_BATCH_ROWS: { notSeen: "Cassandra's unlogged batches leave no trace in the rows; sink-batched-writes.test.ts counts them at the driver" },
  CASSANDRA_WRITE_BATCH_BYTES: { notSeen: 'see CASSANDRA_WRITE_BATCH_ROWS' },
  CASSANDRA_WRITE_CONSISTENCY: { seen: 'a level above the replication factor is refused at start, with one line naming it' },
  CASSANDRA_TTL: { seen: 'TTL(full_name) of the rows the sink worker and npm start write' },
  SOURCE_URL: { seen: "the slots fetch from the test's own source server" },
  SOURCE_TIMEOUT: { notSeen: 'needs a source that stalls past it: fault-source-misbehaving.test.ts' },
  SOURCE_MAX_RESPONSE_BYTES: { notSeen: 'needs an oversized response: source-client.test.ts' },
  SOURCE_SERVER_PORT: { seen: "npm start serves the project's source on it when SOURCE_URL is unset" },
  SOURCE_SERVER_HOST: { notSeen: 'read by `npm run source-server` alone, which source-server.test.ts starts' },
  SCHEDULE_ID: { seen: 'the prepare job creates the schedule and its audit schedule under it' },
  SCHEDULE_INTERVAL: { seen: "the schedule's interval" },
  USERS_PER_SLOT: { seen: "the schedule's slot input, and the users each slot publishes" },
  SLOT_TIMEOUT: { seen: "the execution timeout of the schedule's slot workflows" },
  CATCH_UP_MAX_GAP: { notSeen: 'needs an hour-scale stop: stop-and-catch-up.test.ts runs npm start across a stop' },
  AUDIT_INTERVAL: { seen: "the audit schedule's interval" },
  AUDIT_SETTLE: { seen: "the audit schedule's input, and `pipeline audit` leaves younger slots pending" },
  SOURCE_HEALTH_GATE: { notSeen: 'needs a source that is down for several slots: source-health-gate.test.ts' },
  SOURCE_HEALTH_GATE_SLOTS: { notSeen: 'see SOURCE_HEALTH_GATE' },
  SOURCE_HEALTH_PROBE_INTERVAL: { notSeen: 'see SOURCE_HEALTH_GATE' },
  LOG_LEVEL: { seen: "at info, the Temporal SDK's info lines appear in a worker's output; at the default, none" },
  LOG_FORMAT: { seen: 'every line each process prints parses as one JSON object' },
  METRICS_PORT: { seen: 'each worker process serves /metrics on the port given' },
  METRICS_HOST: { notSeen: 'only loopback is reachable here; 127.0.0.1 is the default and what is observed' },
  BATCH_MIN_RECORDS: { notSeen: 'a batch is also cut by BATCH_MAX_WAIT and by what one fetch brings, so a lower bound does not show; sink-batch-size.test.ts' },
  BATCH_MAX_RECORDS: { seen: "no batch workflow in Temporal's history spans more offsets" },
  SINK_CONSUMERS: { seen: "the sink worker's group has that many members" },
  BATCH_MAX_WAIT: { notSeen: "the broker's wait inside a fetch: only freshness shows it, which the freshness bench measures" },
  SINK_FETCH_MAX_BYTES: { notSeen: "a bound on one fetch's bytes inside the process; the sink bench's memory peak shows it" },
  SINK_CONSUMER_RESTART_LIMIT: { notSeen: 'needs a consumer that keeps crashing: sink-consumer-restart.test.ts' },
  SHUTDOWN_GRACE: { seen: "the worker's stop line names the grace it waits" },
};

/** Lines that do not parse as one JSON object with time, level and message. */
function notJson(lines: string[]): string[] {
  return lines.filter((line) => {
    if (line.trim() === '') return false;
    try {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      return typeof parsed !== 'object' || parsed === null || typeof parsed['time'] !== 'string' || typeof parsed['level'] !== 'string' || typeof parsed['message'] !== 'string';
    } catch {
      return true;
    }
  });
}

async function metricsServed(port: number): Promise<boolean> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`).catch(() => undefined);
  return response?.status === 200 && (await response.text()).includes('pipeline_');
}

describe('settings through the processes users run', () => {
  let pipeline: IsolatedPipeline;
  let processes: WorkerProcess[] = [];
  const changed = {
    KAFKA_TOPIC_PARTITIONS: '4',
    KAFKA_CLIENT_ID: 'settings-client',
    CASSANDRA_REPLICATION_FACTOR: '2',
    CASSANDRA_WRITE_CONSISTENCY: 'ONE',
    CASSANDRA_TTL: '3600',
    SCHEDULE_INTERVAL: '2s',
    USERS_PER_SLOT: '4',
    SLOT_TIMEOUT: '17m',
    AUDIT_INTERVAL: '11m',
    AUDIT_SETTLE: '3m',
    BATCH_MAX_RECORDS: '5',
    BATCH_MIN_RECORDS: '2',
    SINK_CONSUMERS: '2',
    SHUTDOWN_GRACE: '7s',
    LOG_FORMAT: 'json',
  };

  beforeAll(async () => {
    pipeline = await IsolatedPipeline.create({ ...changed, CASSANDRA_TABLE: 'people', KAFKA_DLQ_TOPIC: uniqueName('dead-letters') });
    expect(pipeline.config.kafka.dlqTopic).toMatch(/^dead-letters_/);
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop(20_000).catch(() => undefined)));
    await pipeline?.close();
  });

  /** The environment a deployment gives every process of this pipeline. */
  const env = () => ({ ...pipeline.workerEnv(), ...changed, CASSANDRA_TABLE: 'people', KAFKA_DLQ_TOPIC: pipeline.config.kafka.dlqTopic });

  it('the prepare job creates topics, keyspace, table and schedules as set, and prints only JSON lines', async () => {
    const prepare = await WorkerProcess.spawn('prepare', env());
    expect(await prepare.waitForExit(120_000)).toEqual({ code: 0, signal: null });
    expect(prepare.lines.some((line) => line.includes('pipeline prepared'))).toBe(true);
    expect(notJson(prepare.lines)).toEqual([]);

    const admin = pipeline.kafka.admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [pipeline.config.kafka.topic, pipeline.config.kafka.dlqTopic] });
      expect(topics.map((t) => [t.name, t.partitions.length]).sort()).toEqual([
        [pipeline.config.kafka.dlqTopic, 4],
        [pipeline.config.kafka.topic, 4],
      ].sort());
    } finally {
      await admin.disconnect();
    }
    const keyspace = await pipeline.cassandra.execute('SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?', [pipeline.config.cassandra.keyspace]);
    expect(Object.values(keyspace.first().get('replication') as Record<string, string>)).toContain('2');
    const table = await pipeline.cassandra.execute('SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?', [pipeline.config.cassandra.keyspace]);
    expect(table.rows.map((r) => r.get('table_name'))).toContain('people');

    const slots = await pipeline.schedule().describe();
    expect(Number(slots.spec.intervals?.[0]?.every)).toBe(2000);
    expect(slots.action.type).toBe('startWorkflow');
    if (slots.action.type !== 'startWorkflow') return;
    expect(slots.action.args).toEqual([{ scheduleId: pipeline.config.schedule.id, usersPerSlot: 4 }]);
    expect(slots.action.taskQueue).toBe(pipeline.config.temporal.ingestTaskQueue);
    expect(Number(slots.action.workflowExecutionTimeout)).toBe(17 * 60_000);
    const audit = await pipeline.temporal.schedule.getHandle(`${pipeline.config.schedule.id}-audit`).describe();
    expect(Number(audit.spec.intervals?.[0]?.every)).toBe(11 * 60_000);
    if (audit.action.type !== 'startWorkflow') throw new Error('the audit schedule starts no workflow');
    expect(audit.action.args).toEqual([{ intervalMs: 11 * 60_000, settleMs: 3 * 60_000 }]);
    expect(audit.action.taskQueue).toBe(pipeline.config.temporal.sinkTaskQueue);
  });

  it('a consistency level above the replication factor is refused at start with one line', async () => {
    const refused = await WorkerProcess.spawn('sink', { ...env(), CASSANDRA_WRITE_CONSISTENCY: 'THREE' });
    expect((await refused.waitForExit(60_000)).code).toBe(1);
    const errors = refused.lines.map((line) => JSON.parse(line) as { level: string; message: string }).filter((line) => line.level === 'ERROR');
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/^error: CASSANDRA_WRITE_CONSISTENCY: THREE needs 3 replicas, but CASSANDRA_REPLICATION_FACTOR is 2/)]);
  });

  it('the workers write with the TTL, batch limit, consumers, client id and metrics port set, and print only JSON lines', async () => {
    const [ingestPort, sinkPort] = [await unusedPort(), await unusedPort()];
    const ingest = await WorkerProcess.start('ingest', { ...env(), METRICS_PORT: String(ingestPort), LOG_LEVEL: 'info' });
    const sink = await WorkerProcess.start('sink', { ...env(), METRICS_PORT: String(sinkPort) });
    processes.push(ingest, sink);
    const startedMs = Date.now();
    const rows = await waitFor('12 rows written by the sink worker', async () => {
      const result = await pipeline.cassandra.execute(`SELECT id, TTL(full_name) AS ttl, WRITETIME(full_name) AS wt FROM ${pipeline.config.cassandra.keyspace}.people`);
      return result.rows.length >= 12 && result.rows;
    }, 90_000, 500);
    for (const row of rows) {
      expect(row.get('ttl')).toBeGreaterThan(3500);
      expect(row.get('ttl')).toBeLessThanOrEqual(3600);
      // The write time is the record's Kafka timestamp (µs): written now, not in the past or the future.
      expect(Number(row.get('wt'))).toBeGreaterThan((startedMs - 120_000) * 1000);
      expect(Number(row.get('wt'))).toBeLessThan((Date.now() + 1000) * 1000);
    }
    // The slots fetched from this test's source, 4 users each.
    expect([...pipeline.served.values()].every((ids) => ids.size === 4)).toBe(true);
    expect(await metricsServed(ingestPort)).toBe(true);
    expect(await metricsServed(sinkPort)).toBe(true);

    const admin = pipeline.kafka.admin();
    await admin.connect();
    try {
      const members = await waitFor('two consumers in the group', async () => {
        const { groups } = await admin.describeGroups([pipeline.config.kafka.consumerGroup]);
        return groups[0]?.state === 'Stable' && groups[0].members.length === 2 && groups[0].members;
      }, 30_000, 500);
      expect(members.map((m) => m.clientId)).toEqual(['settings-client', 'settings-client']);
    } finally {
      await admin.disconnect();
    }

    const spans: number[] = [];
    for await (const run of pipeline.temporal.workflow.list({ query: `WorkflowType = 'writeBatch' AND TaskQueue = '${pipeline.config.temporal.sinkTaskQueue}'` })) {
      const batch = parseBatchWorkflowId(run.workflowId);
      if (batch) spans.push(Number(batch.lastOffset) - Number(batch.firstOffset) + 1);
    }
    expect(spans.length).toBeGreaterThan(0);
    expect(Math.max(...spans)).toBeLessThanOrEqual(5);

    expect(await sink.stop(30_000)).toBe(0);
    expect(sink.lines.some((line) => line.includes('at most 7 s (SHUTDOWN_GRACE'))).toBe(true);
    expect(notJson(ingest.lines)).toEqual([]);
    expect(notJson(sink.lines)).toEqual([]);
    // LOG_LEVEL=info lets the Temporal SDK's info messages through; at the default, warn, none.
    const sdkInfo = (lines: string[]) => lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((l) => l['level'] === 'INFO' && 'sdkComponent' in l);
    expect(sdkInfo(ingest.lines).length).toBeGreaterThan(0);
    expect(sdkInfo(sink.lines)).toEqual([]);
  });

  it('pipeline audit leaves slots younger than AUDIT_SETTLE pending', async () => {
    const result = await runPipeline(['audit', '--from', 'now-10m', '--to', 'now', '--json'], env());
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout) as { slots: number; pending: number; reconciled: number };
    // Every slot ran within the last few minutes, so all of them are younger than 3 minutes.
    expect(report.slots).toBeGreaterThan(0);
    expect(report.pending).toBe(report.slots);
    const settled = JSON.parse((await runPipeline(['audit', '--from', 'now-10m', '--to', 'now', '--json'], { ...env(), AUDIT_SETTLE: '0s' })).stdout) as { pending: number };
    expect(settled.pending).toBeLessThan(report.slots);
  });

  it('npm start writes with CASSANDRA_TTL, serves the source and metrics on the ports set, and prints only JSON lines', async () => {
    const own = await IsolatedPipeline.create({ CASSANDRA_TTL: '3600' });
    const [sourcePort, metricsPort] = [await unusedPort(), await unusedPort()];
    try {
      const { SOURCE_URL: _external, ...startEnv } = own.workerEnv();
      const start = await WorkerProcess.start('npm start', { ...startEnv, CASSANDRA_TTL: '3600', SOURCE_SERVER_PORT: String(sourcePort), METRICS_PORT: String(metricsPort), LOG_FORMAT: 'json' });
      processes.push(start);
      const response = await fetch(`http://127.0.0.1:${sourcePort}/api/?results=1&seed=settings`);
      expect(response.status).toBe(200);
      expect(await metricsServed(metricsPort)).toBe(true);
      const rows = await waitFor('rows written by npm start', async () => {
        const result = await own.cassandra.execute(`SELECT TTL(full_name) AS ttl FROM ${own.config.cassandra.keyspace}.${own.config.cassandra.table}`);
        return result.rows.length > 0 && result.rows;
      }, 90_000, 500);
      for (const row of rows) {
        expect(row.get('ttl')).toBeGreaterThan(3500);
        expect(row.get('ttl')).toBeLessThanOrEqual(3600);
      }
      await sleep(1000);
      expect(await start.stop(40_000, 'SIGINT')).toBe(0);
      expect(notJson(start.lines)).toEqual([]);
    } finally {
      await own.close();
    }
  });

  it('holds every variable of the settings schema: where it is seen, or why not', () => {
    const listed = Object.keys(SETTINGS).sort();
    expect(listed).toEqual([...PIPELINE_ENV_VARIABLES].sort());
    for (const [name, check] of Object.entries(SETTINGS)) expect({ name, text: 'seen' in check ? check.seen : check.notSeen }).toEqual({ name, text: expect.stringMatching(/\S{3}/) });
  });
});
