import { z } from 'zod';
import { ConfigError, parseEnv, requireTogether } from './parse-env';
import { readPemFile } from './pem-file';
import { Secret } from './secret';
import { resolveTls, type ReadPem, type TlsSettings } from './tls-settings';

/** A CQL identifier we accept unquoted: it is interpolated into DDL, so nothing else may pass. */
const cqlIdentifier = z.string().regex(/^[a-z][a-z0-9_]{0,47}$/, 'a lower-case CQL identifier (letters, digits, _; starting with a letter; at most 48 characters)');
const hostPort = z.string().regex(/^[^\s:,]+:\d{1,5}$/, 'host:port');
const hostPortList = z
  .string()
  .transform((value) => value.split(',').map((part) => part.trim()).filter(Boolean))
  .pipe(z.array(hostPort).min(1, 'at least one host:port'));
const duration = z
  .string()
  .regex(/^\d+(ms|s|m|h)$/, 'a duration such as 500ms, 10s, 5m or 1h')
  .transform(parseDurationMs);
const positiveInt = (max: number) => z.coerce.number().int().min(1).max(max);
const flag = z.enum(['true', 'false']).transform((value) => value === 'true');
const pemPath = z.string().min(1);
const secret = z.string().transform((value) => new Secret(value));
const saslMechanism = z
  .string()
  .transform((value) => value.toLowerCase())
  .pipe(z.enum(['plain', 'scram-sha-256', 'scram-sha-512']));

/** Consistency levels a write may ask for (ANY and SERIAL levels are not offered: not for upserts here). */
export const WRITE_CONSISTENCIES = ['ONE', 'TWO', 'THREE', 'QUORUM', 'ALL', 'LOCAL_ONE', 'LOCAL_QUORUM', 'EACH_QUORUM'] as const;
export type WriteConsistency = (typeof WRITE_CONSISTENCIES)[number];
/** Cassandra's own upper bound on a TTL: 20 years. */
const MAX_TTL_SECONDS = 630_720_000;

/** Replicas in one data centre that must acknowledge a write at a level, for a replication factor. */
export function replicasRequired(level: WriteConsistency, replicationFactor: number): number {
  const quorum = Math.floor(replicationFactor / 2) + 1;
  return { ONE: 1, LOCAL_ONE: 1, TWO: 2, THREE: 3, QUORUM: quorum, LOCAL_QUORUM: quorum, EACH_QUORUM: quorum, ALL: replicationFactor }[level];
}

export const PipelineEnvSchema = z.object({
  TEMPORAL_ADDRESS: hostPort.default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  INGEST_TASK_QUEUE: z.string().min(1).default('random-names-ingest'),
  SINK_TASK_QUEUE: z.string().min(1).default('random-names-sink'),
  /** Where people open the Temporal Web UI: the base of the links `pipeline trace`, `audit` and `status` print. */
  TEMPORAL_UI_URL: z.url({ protocol: /^https?$/ }).default('http://localhost:8233'),
  /** A workflow bundle built ahead of time; unset: the one `npm run build` wrote beside the compiled code (dist/workflow-bundle.js), or bundled from source at start when run from source. */
  WORKFLOW_BUNDLE_PATH: z.string().min(1).optional(),
  TEMPORAL_TLS: flag.optional(),
  TEMPORAL_TLS_CA_FILE: pemPath.optional(),
  TEMPORAL_TLS_CERT_FILE: pemPath.optional(),
  TEMPORAL_TLS_KEY_FILE: pemPath.optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().regex(/^[A-Za-z0-9.-]{1,253}$/, 'a host name').optional(),
  /** Sent as `authorization: Bearer <key>`, a gRPC header: printable ASCII only. */
  TEMPORAL_API_KEY: z.string().regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces').pipe(secret).optional(),

  KAFKA_BROKERS: hostPortList.default(['127.0.0.1:9092']),
  KAFKA_CLIENT_ID: z.string().min(1).default('random-names-pipeline'),
  KAFKA_TOPIC: z.string().regex(/^[a-zA-Z0-9._-]{1,200}$/, 'a Kafka topic name').default('random_names'),
  KAFKA_DLQ_TOPIC: z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/, 'a Kafka topic name').optional(),
  KAFKA_TOPIC_PARTITIONS: positiveInt(1000).default(6),
  KAFKA_REPLICATION_FACTOR: positiveInt(9).default(1),
  KAFKA_CONSUMER_GROUP: z.string().min(1).default('random-names-sink'),
  KAFKA_SASL_MECHANISM: saslMechanism.optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: secret.optional(),
  KAFKA_TLS: flag.optional(),
  KAFKA_TLS_CA_FILE: pemPath.optional(),
  KAFKA_TLS_CERT_FILE: pemPath.optional(),
  KAFKA_TLS_KEY_FILE: pemPath.optional(),

  CASSANDRA_CONTACT_POINTS: hostPortList.default(['127.0.0.1:9042']),
  CASSANDRA_LOCAL_DATACENTER: z.string().regex(/^[^'\\\s]{1,128}$/, 'a data centre name without quotes, backslashes or spaces').default('datacenter1'),
  CASSANDRA_USERNAME: z.string().min(1).optional(),
  CASSANDRA_PASSWORD: secret.optional(),
  CASSANDRA_TLS: flag.optional(),
  CASSANDRA_TLS_CA_FILE: pemPath.optional(),
  CASSANDRA_TLS_CERT_FILE: pemPath.optional(),
  CASSANDRA_TLS_KEY_FILE: pemPath.optional(),
  CASSANDRA_KEYSPACE: cqlIdentifier.default('pipeline'),
  CASSANDRA_TABLE: cqlIdentifier.default('random_names'),
  CASSANDRA_REPLICATION_FACTOR: positiveInt(9).default(1),
  // Requests in flight from one process over every batch it writes. The sink's batches are written in
  // bursts (a fetch's batches at once), and a node that syncs its commit log for every acknowledged write
  // groups more writes a sync with more in flight: 128 requests of about 100 rows wrote 5-36 % faster
  // than 64 in paired runs on one node (256 no faster), at Cassandra's lower CPU a row (docs/BENCHMARKS.md).
  CASSANDRA_WRITE_CONCURRENCY: positiveInt(1024).default(128),
  /** Rows per unlogged batch, every batch within one replica set; 1 writes single rows. */
  CASSANDRA_WRITE_BATCH_ROWS: positiveInt(1000).default(96),
  /**
   * Cap on a batch's size as Cassandra counts it (estimated); keep it under the cluster's batch_size_fail_threshold
   * (50 KiB by default). A batch refused as too large is written in halves, and the cap is lowered (replica-batches.ts).
   */
  CASSANDRA_WRITE_BATCH_BYTES: positiveInt(10 * 1024 * 1024).default(48_000),
  CASSANDRA_WRITE_CONSISTENCY: z
    .string()
    .transform((value) => value.toUpperCase())
    .pipe(z.enum(WRITE_CONSISTENCIES))
    .default('LOCAL_QUORUM'),
  /** Seconds each written row lives; unset: the table's own default (none unless the table says so). */
  CASSANDRA_TTL: z.coerce.number().int().min(0).max(MAX_TTL_SECONDS).optional(),

  SOURCE_URL: z.url({ protocol: /^https?$/ }).optional(),
  SOURCE_TIMEOUT: duration.default(parseDurationMs('10s')),
  SOURCE_MAX_RESPONSE_BYTES: positiveInt(100 * 1024 * 1024).default(16 * 1024 * 1024),
  /** Port of the project's randomuser-compatible server when it runs (0: any free port). */
  SOURCE_SERVER_PORT: z.coerce.number().int().min(0).max(65535).default(8088),
  /** Address that server listens on when run on its own (`npm run source-server`). */
  SOURCE_SERVER_HOST: z.string().min(1).default('127.0.0.1'),

  SCHEDULE_ID: z.string().regex(/^[a-zA-Z0-9._-]{1,100}$/, 'letters, digits, ".", "_" or "-"').default('random-names'),
  SCHEDULE_INTERVAL: duration.pipe(z.number().min(1000, 'at least 1s')).default(parseDurationMs('10s')),
  USERS_PER_SLOT: positiveInt(5000).default(1),
  /** Execution timeout of each slot's workflow: how long a slot may wait for an ingest worker. */
  SLOT_TIMEOUT: duration.pipe(z.number().min(1000, 'at least 1s')).default(parseDurationMs('1h')),
  /** `npm start`: the longest stretch of slots missed while it was stopped that the next start runs. */
  CATCH_UP_MAX_GAP: duration.default(parseDurationMs('1h')),
  /** How often the audit schedule reconciles the slots that closed since its last run; 0 turns it off. */
  AUDIT_INTERVAL: z
    .string()
    .regex(/^(0|\d+(ms|s|m|h))$/, 'a duration such as 5m, or 0 for off')
    .transform((text) => (text === '0' ? 0 : parseDurationMs(text)))
    .pipe(z.number().refine((ms) => ms === 0 || ms >= 10_000, 'at least 10s, or 0 for off'))
    .default(parseDurationMs('5m')),
  /** How long after a slot closed its users are expected in Cassandra; younger slots are left for the next audit. */
  AUDIT_SETTLE: duration.default(parseDurationMs('1m')),
  /** Pause the schedule when the source keeps failing in a way retries will not fix soon, and resume it when it answers. */
  SOURCE_HEALTH_GATE: flag.default(true),
  /** Consecutive slots the source must fail before the gate pauses the schedule. */
  SOURCE_HEALTH_GATE_SLOTS: positiveInt(1000).default(3),
  /** How often the gate asks a paused source whether it answers again. */
  SOURCE_HEALTH_PROBE_INTERVAL: duration.pipe(z.number().min(1000, 'at least 1s')).default(parseDurationMs('10s')),

  /** The Temporal SDK's messages at this level and above; stack traces only at debug. */
  LOG_LEVEL: z.string().transform((value) => value.toUpperCase()).pipe(z.enum(['ERROR', 'WARN', 'INFO', 'DEBUG'])).default('WARN'),
  LOG_FORMAT: z.enum(['text', 'json']).default('text'),

  METRICS_PORT: z.coerce.number().int().min(0).max(65534).default(9464),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),

  // Rows stay with the consumer (batches travel through Temporal by reference), so the bounds are about
  // Temporal's cost per row, freshness and Cassandra's batch latency, not payload size. A batch's size
  // follows the consumer lag between the two (sink/batch-size.ts).
  BATCH_MIN_RECORDS: positiveInt(10_000).optional(),
  BATCH_MAX_RECORDS: positiveInt(100_000).default(20_000),
  /**
   * Kafka consumers (group members) per sink process, each with its own fetch loop: while one waits for
   * its batches to be written, another fetches and cuts, so Cassandra is not left idle between fetches.
   */
  SINK_CONSUMERS: positiveInt(16).default(3),
  BATCH_MAX_WAIT: duration.default(parseDurationMs('500ms')),
  /**
   * Bytes one fetch of the sink may bring: most of what a sink worker holds at once (its memory budget).
   * 3 MiB kept the bench's full-rate worker near 200 MB at the rate 8 MiB gave (docs/BENCHMARKS.md).
   */
  SINK_FETCH_MAX_BYTES: z.coerce.number().int().min(1024 * 1024).max(256 * 1024 * 1024).default(3 * 1024 * 1024),
  /**
   * Restarts of a crashed sink consumer allowed in a window, as `restarts/window`; one more and the
   * process exits non-zero for its supervisor to see. Crashes while Kafka is away do not count.
   */
  SINK_CONSUMER_RESTART_LIMIT: z
    .string()
    .regex(/^\d{1,4}\/\d+(ms|s|m|h)$/, 'restarts/window, such as 10/10m')
    .transform((text) => {
      const [restarts, window] = text.split('/') as [string, string];
      return { restarts: Number(restarts), windowMs: parseDurationMs(window) };
    })
    .default({ restarts: 10, windowMs: parseDurationMs('10m') }),
  /** On SIGINT/SIGTERM, how long a process waits for the batches and tasks in flight before it leaves them (uncommitted) and exits. */
  SHUTDOWN_GRACE: duration.default(parseDurationMs('30s')),
});

/** Every variable the pipeline reads; a deployment that sets another one has a typo. */
export const PIPELINE_ENV_VARIABLES = Object.keys(PipelineEnvSchema.shape) as (keyof typeof PipelineEnvSchema.shape)[];

/** Variables whose values no error message may show. */
export const SECRET_ENV_VARIABLES = ['TEMPORAL_API_KEY', 'KAFKA_SASL_PASSWORD', 'CASSANDRA_PASSWORD'] as const satisfies readonly (typeof PIPELINE_ENV_VARIABLES)[number][];

export type KafkaSaslMechanism = z.infer<typeof saslMechanism>;

/**
 * The settings as the code reads them, grouped by server and concern. Its type is what
 * loadPipelineConfig builds: each variable is declared once in PipelineEnvSchema and placed once there.
 */
export type PipelineConfig = ReturnType<typeof loadPipelineConfig>;

export function parseDurationMs(text: string): number {
  const match = /^(\d+)(ms|s|m|h)$/.exec(text);
  if (!match) throw new Error(`"${text}" is not a duration such as 500ms, 10s, 5m or 1h`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 'ms' | 's' | 'm' | 'h'];
  return Number(match[1]) * unit;
}

/**
 * Parses the pipeline's settings once, at start. Throws ConfigError with one line naming the variable.
 * The PEM files the TLS variables name are read here, so a missing or wrong file stops the start, not the
 * first connection, and the clients are built without touching the disk.
 */
export function loadPipelineConfig(env: NodeJS.ProcessEnv = process.env, readPem: ReadPem = readPemFile) {
  const e = parseEnv(PipelineEnvSchema, env, { secrets: SECRET_ENV_VARIABLES });
  requireTogether([
    ['CASSANDRA_USERNAME', e.CASSANDRA_USERNAME],
    ['CASSANDRA_PASSWORD', e.CASSANDRA_PASSWORD],
  ]);
  requireTogether([
    ['KAFKA_SASL_MECHANISM', e.KAFKA_SASL_MECHANISM],
    ['KAFKA_SASL_USERNAME', e.KAFKA_SASL_USERNAME],
    ['KAFKA_SASL_PASSWORD', e.KAFKA_SASL_PASSWORD],
  ]);
  // Unset, the smallest batch is 500 records, or BATCH_MAX_RECORDS when that is lower.
  const batchMinRecords = e.BATCH_MIN_RECORDS ?? Math.min(500, e.BATCH_MAX_RECORDS);
  if (batchMinRecords > e.BATCH_MAX_RECORDS) {
    throw new ConfigError(`BATCH_MIN_RECORDS: ${e.BATCH_MIN_RECORDS} is more than BATCH_MAX_RECORDS (${e.BATCH_MAX_RECORDS}); set it lower or raise BATCH_MAX_RECORDS`);
  }
  const required = replicasRequired(e.CASSANDRA_WRITE_CONSISTENCY, e.CASSANDRA_REPLICATION_FACTOR);
  if (required > e.CASSANDRA_REPLICATION_FACTOR) {
    throw new ConfigError(
      `CASSANDRA_WRITE_CONSISTENCY: ${e.CASSANDRA_WRITE_CONSISTENCY} needs ${required} replicas, but CASSANDRA_REPLICATION_FACTOR is ${e.CASSANDRA_REPLICATION_FACTOR}; every write would fail`,
    );
  }
  const temporalTls = resolveTls('TEMPORAL', { tls: e.TEMPORAL_TLS, caFile: e.TEMPORAL_TLS_CA_FILE, certFile: e.TEMPORAL_TLS_CERT_FILE, keyFile: e.TEMPORAL_TLS_KEY_FILE }, readPem, {
    requiresTls: e.TEMPORAL_TLS_SERVER_NAME !== undefined ? ['TEMPORAL_TLS_SERVER_NAME'] : [],
    onByDefault: e.TEMPORAL_API_KEY !== undefined,
  });
  const kafkaTls = resolveTls('KAFKA', { tls: e.KAFKA_TLS, caFile: e.KAFKA_TLS_CA_FILE, certFile: e.KAFKA_TLS_CERT_FILE, keyFile: e.KAFKA_TLS_KEY_FILE }, readPem);
  const cassandraTls = resolveTls('CASSANDRA', { tls: e.CASSANDRA_TLS, caFile: e.CASSANDRA_TLS_CA_FILE, certFile: e.CASSANDRA_TLS_CERT_FILE, keyFile: e.CASSANDRA_TLS_KEY_FILE }, readPem);
  return {
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      ingestTaskQueue: e.INGEST_TASK_QUEUE,
      sinkTaskQueue: e.SINK_TASK_QUEUE,
      uiUrl: e.TEMPORAL_UI_URL.replace(/\/+$/, ''),
      ...(e.WORKFLOW_BUNDLE_PATH ? { workflowBundlePath: e.WORKFLOW_BUNDLE_PATH } : {}),
      // serverName: the name checked against the server's certificate (SNI), when it differs from the address.
      ...(temporalTls ? { tls: { ...temporalTls, ...(e.TEMPORAL_TLS_SERVER_NAME ? { serverName: e.TEMPORAL_TLS_SERVER_NAME } : {}) } } : {}),
      ...(e.TEMPORAL_API_KEY ? { apiKey: e.TEMPORAL_API_KEY } : {}),
    },
    kafka: {
      brokers: e.KAFKA_BROKERS,
      clientId: e.KAFKA_CLIENT_ID,
      topic: e.KAFKA_TOPIC,
      dlqTopic: e.KAFKA_DLQ_TOPIC ?? `${e.KAFKA_TOPIC}.dlq`,
      partitions: e.KAFKA_TOPIC_PARTITIONS,
      replicationFactor: e.KAFKA_REPLICATION_FACTOR,
      consumerGroup: e.KAFKA_CONSUMER_GROUP,
      ...(e.KAFKA_SASL_MECHANISM && e.KAFKA_SASL_USERNAME && e.KAFKA_SASL_PASSWORD
        ? { sasl: { mechanism: e.KAFKA_SASL_MECHANISM, username: e.KAFKA_SASL_USERNAME, password: e.KAFKA_SASL_PASSWORD } }
        : {}),
      ...(kafkaTls ? { tls: kafkaTls } : {}),
    },
    cassandra: {
      contactPoints: e.CASSANDRA_CONTACT_POINTS,
      localDataCenter: e.CASSANDRA_LOCAL_DATACENTER,
      ...(e.CASSANDRA_USERNAME && e.CASSANDRA_PASSWORD ? { credentials: { username: e.CASSANDRA_USERNAME, password: e.CASSANDRA_PASSWORD } } : {}),
      ...(cassandraTls ? { tls: cassandraTls } : {}),
      keyspace: e.CASSANDRA_KEYSPACE,
      table: e.CASSANDRA_TABLE,
      replicationFactor: e.CASSANDRA_REPLICATION_FACTOR,
      writeConcurrency: e.CASSANDRA_WRITE_CONCURRENCY,
      // Rows and estimated bytes per unlogged batch; rows 1: single-row writes.
      writeBatch: { rows: e.CASSANDRA_WRITE_BATCH_ROWS, bytes: e.CASSANDRA_WRITE_BATCH_BYTES },
      writeConsistency: e.CASSANDRA_WRITE_CONSISTENCY,
      // USING TTL of every written row; absent: the table's default.
      ...(e.CASSANDRA_TTL !== undefined ? { ttlSeconds: e.CASSANDRA_TTL } : {}),
    },
    // url undefined: the project's own randomuser-compatible server, started locally.
    source: { url: e.SOURCE_URL, timeoutMs: e.SOURCE_TIMEOUT, maxResponseBytes: e.SOURCE_MAX_RESPONSE_BYTES, localServerPort: e.SOURCE_SERVER_PORT },
    schedule: { id: e.SCHEDULE_ID, intervalMs: e.SCHEDULE_INTERVAL, usersPerSlot: e.USERS_PER_SLOT, slotTimeoutMs: e.SLOT_TIMEOUT, catchUpMaxGapMs: e.CATCH_UP_MAX_GAP },
    // intervalMs 0: no audit schedule.
    audit: { intervalMs: e.AUDIT_INTERVAL, settleMs: e.AUDIT_SETTLE },
    sourceHealth: { enabled: e.SOURCE_HEALTH_GATE, failedSlots: e.SOURCE_HEALTH_GATE_SLOTS, probeIntervalMs: e.SOURCE_HEALTH_PROBE_INTERVAL },
    // A batch holds from minRecords (caught up) to maxRecords (far behind) records, or what one fetch
    // brought; each sink process runs `consumers` Kafka consumers, each fetching up to fetchMaxBytes.
    batch: { minRecords: batchMinRecords, maxRecords: e.BATCH_MAX_RECORDS, maxWaitMs: e.BATCH_MAX_WAIT, fetchMaxBytes: e.SINK_FETCH_MAX_BYTES, consumers: e.SINK_CONSUMERS },
    // A crashed sink consumer is restarted at most `restarts` times in `windowMs` (crashes while Kafka is away aside).
    sink: { consumerRestartLimit: e.SINK_CONSUMER_RESTART_LIMIT },
    // How long a stop waits for the work in flight before it leaves it and exits.
    shutdown: { graceMs: e.SHUTDOWN_GRACE },
    // Port 0 turns the endpoint off; the Temporal SDK's own metrics use port + 1 on loopback.
    metrics: { port: e.METRICS_PORT, host: e.METRICS_HOST },
    log: { level: e.LOG_LEVEL, format: e.LOG_FORMAT },
  };
}

/** True when the environment names external servers, so no local stack should be started. */
export function usesExternalServers(env: NodeJS.ProcessEnv = process.env): boolean {
  return ['TEMPORAL_ADDRESS', 'KAFKA_BROKERS', 'CASSANDRA_CONTACT_POINTS'].some((name) => (env[name] ?? '') !== '');
}
