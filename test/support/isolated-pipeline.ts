import type { Client } from '@temporalio/client';
import { Client as CassandraClient, type types } from 'cassandra-driver';
import type { Kafka } from 'kafkajs';
import { loadPipelineConfig, type PipelineConfig } from '../../src/config/pipeline-config';
import { createCassandraClient } from '../../src/cassandra/client';
import { consumerLag } from '../../src/kafka/consumer-lag';
import { PipelineCounters } from '../../src/metrics/pipeline-counters';
import { connectTemporal, type TemporalClients } from '../../src/pipeline/clients';
import { preparePipeline } from '../../src/pipeline/prepare';
import { createSourceClient } from '../../src/source/client';
import { startSourceServer } from '../../src/dev/fake-source/server';
import { createKafka } from '../../src/kafka/client';
import { startIngestWorker } from '../../src/workers/ingest';
import type { RunningWorker } from '../../src/workers/run-worker';
import { startSinkWorker, type SinkWorkerDeps } from '../../src/workers/sink';
import { ownPipelineNames, stackAddresses, uniqueName } from './stack-addresses';

import { setTimeout as sleep } from 'node:timers/promises';

export { sleep };

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 60_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(everyMs);
  }
}

/**
 * One isolated pipeline on the shared local stack: its own topic, keyspace, table, consumer group,
 * task queues and schedule id, with the project's local source server.
 */
export class IsolatedPipeline {
  readonly counters = new PipelineCounters();
  /** Ids of the users the source served, by seed (one seed per slot): what a complete run must hold. */
  readonly served = new Map<string, Set<string>>();
  private ingest?: RunningWorker;
  private sinks: RunningWorker[] = [];
  private closeSource?: () => Promise<void>;
  /** The harness's clients, one set as in a pipeline process: its workers share them. */
  private temporalClients?: TemporalClients;
  temporal!: Client;
  kafka!: Kafka;
  cassandra!: CassandraClient;
  config!: PipelineConfig;

  /** The consistency level of the harness's reads of the table (the driver's default, LOCAL_ONE, unless set). */
  readConsistency?: number;

  static async create(overrides: Record<string, string> = {}, options: { sourceDelayMs?: number; readConsistency?: number } = {}): Promise<IsolatedPipeline> {
    const harness = new IsolatedPipeline();
    harness.readConsistency = options.readConsistency;
    await harness.init(overrides, options);
    return harness;
  }

  private async init(overrides: Record<string, string>, options: { sourceDelayMs?: number }): Promise<void> {
    const name = uniqueName('t');
    const server = await startSourceServer({
      host: '127.0.0.1',
      port: 0,
      delayMs: options.sourceDelayMs,
      onServed: ({ seed, ids }) => {
        const set = this.served.get(seed) ?? new Set<string>();
        for (const id of ids) set.add(id);
        this.served.set(seed, set);
      },
    });
    this.closeSource = server.close;
    const addresses = stackAddresses();
    this.config = loadPipelineConfig({
      TEMPORAL_ADDRESS: addresses.temporal,
      KAFKA_BROKERS: addresses.kafkaBrokers.join(','),
      CASSANDRA_CONTACT_POINTS: addresses.cassandraContactPoints.join(','),
      ...ownPipelineNames(name),
      USERS_PER_SLOT: '3',
      BATCH_MAX_WAIT: '200ms',
      SOURCE_URL: server.url,
      ...overrides,
    });
    this.kafka = createKafka(this.config.kafka);
    this.temporalClients = await connectTemporal(this.config.temporal);
    this.temporal = this.temporalClients.client;
    this.cassandra = createCassandraClient(this.config.cassandra);
    await this.cassandra.connect();
  }

  /** Schema, topics and a schedule that starts paused, so each test decides when slots fire. */
  async prepare(): Promise<void> {
    await preparePipeline({ config: this.config, kafka: this.kafka, cassandra: this.cassandra, temporal: this.temporal, log: () => undefined, createPaused: 'created paused, to be started by its user' });
  }

  async startWorkers(): Promise<void> {
    await this.startIngest();
    await this.startSink(this.counters);
  }

  /** The ingest worker alone, on the harness's clients. */
  async startIngest(): Promise<void> {
    const source = createSourceClient({ ...this.config.source, url: this.config.source.url! });
    this.ingest = await startIngestWorker({ config: this.config, temporal: this.temporalClients!, kafka: this.kafka, source, counters: this.counters });
  }

  /**
   * One more sink worker in the same group, with counters of its own and a Temporal connection of its
   * own, as a sink process on another machine has (a connection takes one worker per task queue).
   */
  async startSink(counters = new PipelineCounters(), extra: Pick<SinkWorkerDeps, 'injectFault' | 'log'> = {}): Promise<{ worker: RunningWorker; counters: PipelineCounters }> {
    const temporal = await connectTemporal(this.config.temporal);
    const running = await startSinkWorker({ config: this.config, temporal, kafka: this.kafka, cassandra: this.cassandra, counters, ...extra });
    const worker: RunningWorker = {
      done: running.done,
      async stop() {
        await running.stop();
        await temporal.connection.close();
      },
    };
    this.sinks.push(worker);
    return { worker, counters };
  }

  /** Stops every sink worker (each drains its batch in flight and commits). */
  async stopSinks(): Promise<void> {
    const sinks = this.sinks.splice(0);
    await Promise.all(sinks.map((s) => s.stop()));
  }

  /** The environment that points a `pipeline` command at this harness's pipeline. */
  commandEnv(): Record<string, string> {
    const c = this.config;
    return {
      TEMPORAL_ADDRESS: c.temporal.address,
      INGEST_TASK_QUEUE: c.temporal.ingestTaskQueue,
      SINK_TASK_QUEUE: c.temporal.sinkTaskQueue,
      KAFKA_BROKERS: c.kafka.brokers.join(','),
      KAFKA_TOPIC: c.kafka.topic,
      KAFKA_TOPIC_PARTITIONS: String(c.kafka.partitions),
      KAFKA_REPLICATION_FACTOR: String(c.kafka.replicationFactor),
      KAFKA_CONSUMER_GROUP: c.kafka.consumerGroup,
      CASSANDRA_CONTACT_POINTS: c.cassandra.contactPoints.join(','),
      CASSANDRA_KEYSPACE: c.cassandra.keyspace,
      SCHEDULE_ID: c.schedule.id,
      SCHEDULE_INTERVAL: `${c.schedule.intervalMs}ms`,
      USERS_PER_SLOT: String(c.schedule.usersPerSlot),
      TEMPORAL_UI_URL: c.temporal.uiUrl,
      AUDIT_INTERVAL: `${c.audit.intervalMs}ms`,
      AUDIT_SETTLE: `${c.audit.settleMs}ms`,
      METRICS_PORT: '0',
    };
  }

  /** The full environment of a worker process of this harness's pipeline (source, batching included). */
  workerEnv(): Record<string, string> {
    const c = this.config;
    return {
      ...this.commandEnv(),
      SOURCE_URL: c.source.url!,
      SOURCE_TIMEOUT: `${c.source.timeoutMs}ms`,
      SOURCE_MAX_RESPONSE_BYTES: String(c.source.maxResponseBytes),
      BATCH_MIN_RECORDS: String(c.batch.minRecords),
      BATCH_MAX_RECORDS: String(c.batch.maxRecords),
      BATCH_MAX_WAIT: `${c.batch.maxWaitMs}ms`,
      CASSANDRA_TABLE: c.cassandra.table,
      SOURCE_HEALTH_GATE: String(c.sourceHealth.enabled),
      SOURCE_HEALTH_GATE_SLOTS: String(c.sourceHealth.failedSlots),
      SOURCE_HEALTH_PROBE_INTERVAL: `${c.sourceHealth.probeIntervalMs}ms`,
    };
  }

  schedule() {
    return this.temporal.schedule.getHandle(this.config.schedule.id);
  }

  /** Waits until the schedule has taken `count` actions in total and none is still running. */
  async waitForSlots(count: number, timeoutMs = 90_000): Promise<void> {
    await waitFor(`${count} completed slots`, async () => {
      const d = await this.schedule().describe();
      return d.info.numActionsTaken >= count && d.info.runningActions.length === 0;
    }, timeoutMs, 500);
  }

  /**
   * Waits until no slot of the schedule is running, the paused schedule's last ones included. The
   * schedule's own list can miss a slot it started just before a pause; visibility has them all, a
   * moment after they start.
   */
  async waitForSlotsToFinish(timeoutMs = 60_000): Promise<void> {
    await waitFor('the last slots to finish', async () => (await this.schedule().describe()).info.runningActions.length === 0, timeoutMs, 500);
    await sleep(2000);
    await waitFor('no slot workflow still running', async () => {
      for await (const _running of this.temporal.workflow.list({ query: `WorkflowType = 'ingestSlot' AND TaskQueue = '${this.config.temporal.ingestTaskQueue}' AND ExecutionStatus = 'Running'` })) return false;
      return true;
    }, timeoutMs, 1000);
  }

  /** Options for reading the whole table: paged, at the harness's read consistency. */
  readOptions() {
    return { prepare: true, autoPage: true, fetchSize: 5000, ...(this.readConsistency !== undefined ? { consistency: this.readConsistency } : {}) };
  }

  /**
   * Every row a query returns, page by page, each page parsed once the whole response is in.
   * cassandra-driver 4.10's row-by-row parsing (eachRow, which parses rows as socket chunks arrive)
   * failed on a page of the cluster test's table with `RangeError: The value of "offset" is out of
   * range ... Received 65536`, again on every read of the same contents for two minutes; `execute`
   * does not use that parser.
   */
  async readAllRows(query: string): Promise<types.Row[]> {
    const { autoPage: _autoPage, ...options } = this.readOptions();
    const rows: types.Row[] = [];
    let pageState: string | undefined;
    do {
      const page = await this.cassandra.execute(query, [], { ...options, ...(pageState ? { pageState } : {}) });
      rows.push(...page.rows);
      pageState = page.pageState ?? undefined;
    } while (pageState);
    return rows;
  }

  async cassandraIds(): Promise<string[]> {
    const rows = await this.readAllRows(`SELECT id FROM ${this.config.cassandra.keyspace}.${this.config.cassandra.table}`);
    return rows.map((row) => row.get('id').toString());
  }

  /** Every message on a topic, read from the beginning with a throwaway consumer group. */
  async readTopic(topic: string): Promise<{ key: string | null; value: string | null; headers: Record<string, string>; partition: number; offset: string }[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    const ends = await admin.fetchTopicOffsets(topic);
    await admin.disconnect();
    const expected = ends.reduce((sum, p) => sum + Number(BigInt(p.high) - BigInt(p.low)), 0);
    const messages: Awaited<ReturnType<IsolatedPipeline['readTopic']>> = [];
    if (expected === 0) return messages;
    const consumer = this.kafka.consumer({ groupId: uniqueName('reader'), maxWaitTimeInMs: 100 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve) => {
      void consumer.run({
        eachMessage: async ({ message, partition }) => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = String(v);
          messages.push({ key: message.key?.toString() ?? null, value: message.value?.toString() ?? null, headers, partition, offset: message.offset });
          if (messages.length >= expected) resolve();
        },
      });
    });
    await consumer.disconnect();
    return messages;
  }

  async lag(): Promise<number> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      return (await consumerLag(admin, this.config.kafka.consumerGroup, this.config.kafka.topic)).reduce((sum, p) => sum + p.lag, 0);
    } finally {
      await admin.disconnect();
    }
  }

  /** Waits until the consumer group has committed everything on the topic. */
  async waitForDrain(timeoutMs = 90_000): Promise<void> {
    await waitFor('the consumer to commit every message', async () => (await this.lag()) === 0, timeoutMs, 500);
  }

  async close(): Promise<void> {
    await this.schedule().delete().catch(() => undefined);
    await this.temporal.schedule.getHandle(`${this.config.schedule.id}-audit`).delete().catch(() => undefined);
    await this.stopSinks().catch(() => undefined);
    await this.ingest?.stop().catch(() => undefined);
    await this.cassandra.execute(`DROP KEYSPACE IF EXISTS ${this.config.cassandra.keyspace}`).catch(() => undefined);
    await this.cassandra.shutdown().catch(() => undefined);
    const admin = this.kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [this.config.kafka.topic, this.config.kafka.dlqTopic] }).catch(() => undefined);
    await admin.disconnect();
    await this.temporalClients?.connection.close();
    await this.closeSource?.();
  }
}
