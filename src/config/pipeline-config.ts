import { z } from 'zod';
import { ConfigError, parseEnv } from './parse-env';

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

const PipelineEnvSchema = z.object({
  TEMPORAL_ADDRESS: hostPort.default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  INGEST_TASK_QUEUE: z.string().min(1).default('random-names-ingest'),
  SINK_TASK_QUEUE: z.string().min(1).default('random-names-sink'),
  /** A workflow bundle built ahead of time (scripts/bundle-workflows.ts); unset: bundle from source at start. */
  WORKFLOW_BUNDLE_PATH: z.string().min(1).optional(),

  KAFKA_BROKERS: hostPortList.default(['127.0.0.1:9092']),
  KAFKA_CLIENT_ID: z.string().min(1).default('random-names-pipeline'),
  KAFKA_TOPIC: z.string().regex(/^[a-zA-Z0-9._-]{1,200}$/, 'a Kafka topic name').default('random_names'),
  KAFKA_DLQ_TOPIC: z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/, 'a Kafka topic name').optional(),
  KAFKA_TOPIC_PARTITIONS: positiveInt(1000).default(6),
  KAFKA_REPLICATION_FACTOR: positiveInt(9).default(1),
  KAFKA_CONSUMER_GROUP: z.string().min(1).default('random-names-sink'),

  CASSANDRA_CONTACT_POINTS: hostPortList.default(['127.0.0.1:9042']),
  CASSANDRA_LOCAL_DATACENTER: z.string().min(1).default('datacenter1'),
  CASSANDRA_USERNAME: z.string().min(1).optional(),
  CASSANDRA_PASSWORD: z.string().min(1).optional(),
  CASSANDRA_KEYSPACE: cqlIdentifier.default('pipeline'),
  CASSANDRA_TABLE: cqlIdentifier.default('random_names'),
  CASSANDRA_REPLICATION_FACTOR: positiveInt(9).default(1),
  CASSANDRA_WRITE_CONCURRENCY: positiveInt(1024).default(64),

  SOURCE_URL: z.url({ protocol: /^https?$/ }).optional(),
  SOURCE_TIMEOUT: duration.default(parseDurationMs('10s')),
  SOURCE_MAX_RESPONSE_BYTES: positiveInt(100 * 1024 * 1024).default(16 * 1024 * 1024),
  SOURCE_SERVER_PORT: z.coerce.number().int().min(0).max(65535).default(8088),

  SCHEDULE_ID: z.string().regex(/^[a-zA-Z0-9._-]{1,100}$/, 'letters, digits, ".", "_" or "-"').default('random-names'),
  SCHEDULE_INTERVAL: duration.pipe(z.number().min(1000, 'at least 1s')).default(parseDurationMs('10s')),
  USERS_PER_SLOT: positiveInt(5000).default(1),

  METRICS_PORT: z.coerce.number().int().min(0).max(65534).default(9464),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),

  // Rows stay with the consumer (batches travel through Temporal by reference), so the cap is about
  // memory per partition in flight and Cassandra's batch latency, not payload size.
  BATCH_MAX_RECORDS: positiveInt(10_000).default(2000),
  BATCH_MAX_WAIT: duration.default(parseDurationMs('500ms')),
});

/** Every variable the pipeline reads; a deployment that sets another one has a typo. */
export const PIPELINE_ENV_VARIABLES = Object.keys(PipelineEnvSchema.shape) as (keyof typeof PipelineEnvSchema.shape)[];

export interface PipelineConfig {
  temporal: { address: string; namespace: string; ingestTaskQueue: string; sinkTaskQueue: string; workflowBundlePath?: string };
  kafka: { brokers: string[]; clientId: string; topic: string; dlqTopic: string; partitions: number; replicationFactor: number; consumerGroup: string };
  cassandra: {
    contactPoints: string[];
    localDataCenter: string;
    credentials?: { username: string; password: string };
    keyspace: string;
    table: string;
    replicationFactor: number;
    writeConcurrency: number;
  };
  /** `undefined` means the project's own randomuser-compatible server, started locally. */
  source: { url?: string; timeoutMs: number; maxResponseBytes: number; localServerPort: number };
  schedule: { id: string; intervalMs: number; usersPerSlot: number };
  batch: { maxRecords: number; maxWaitMs: number };
  /** Port 0 turns the endpoint off; the Temporal SDK's own metrics use port + 1 on loopback. */
  metrics: { port: number; host: string };
}

export function parseDurationMs(text: string): number {
  const match = /^(\d+)(ms|s|m|h)$/.exec(text);
  if (!match) throw new Error(`"${text}" is not a duration such as 500ms, 10s, 5m or 1h`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 'ms' | 's' | 'm' | 'h'];
  return Number(match[1]) * unit;
}

/** Parses the pipeline's settings once, at start. Throws ConfigError with one line naming the variable. */
export function loadPipelineConfig(env: NodeJS.ProcessEnv = process.env): PipelineConfig {
  const e = parseEnv(PipelineEnvSchema, env);
  if ((e.CASSANDRA_USERNAME === undefined) !== (e.CASSANDRA_PASSWORD === undefined)) {
    const missing = e.CASSANDRA_USERNAME === undefined ? 'CASSANDRA_USERNAME' : 'CASSANDRA_PASSWORD';
    throw new ConfigError(`${missing} is not set: CASSANDRA_USERNAME and CASSANDRA_PASSWORD go together`);
  }
  return {
    temporal: { address: e.TEMPORAL_ADDRESS, namespace: e.TEMPORAL_NAMESPACE, ingestTaskQueue: e.INGEST_TASK_QUEUE, sinkTaskQueue: e.SINK_TASK_QUEUE, ...(e.WORKFLOW_BUNDLE_PATH ? { workflowBundlePath: e.WORKFLOW_BUNDLE_PATH } : {}) },
    kafka: {
      brokers: e.KAFKA_BROKERS,
      clientId: e.KAFKA_CLIENT_ID,
      topic: e.KAFKA_TOPIC,
      dlqTopic: e.KAFKA_DLQ_TOPIC ?? `${e.KAFKA_TOPIC}.dlq`,
      partitions: e.KAFKA_TOPIC_PARTITIONS,
      replicationFactor: e.KAFKA_REPLICATION_FACTOR,
      consumerGroup: e.KAFKA_CONSUMER_GROUP,
    },
    cassandra: {
      contactPoints: e.CASSANDRA_CONTACT_POINTS,
      localDataCenter: e.CASSANDRA_LOCAL_DATACENTER,
      ...(e.CASSANDRA_USERNAME && e.CASSANDRA_PASSWORD ? { credentials: { username: e.CASSANDRA_USERNAME, password: e.CASSANDRA_PASSWORD } } : {}),
      keyspace: e.CASSANDRA_KEYSPACE,
      table: e.CASSANDRA_TABLE,
      replicationFactor: e.CASSANDRA_REPLICATION_FACTOR,
      writeConcurrency: e.CASSANDRA_WRITE_CONCURRENCY,
    },
    source: { url: e.SOURCE_URL, timeoutMs: e.SOURCE_TIMEOUT, maxResponseBytes: e.SOURCE_MAX_RESPONSE_BYTES, localServerPort: e.SOURCE_SERVER_PORT },
    schedule: { id: e.SCHEDULE_ID, intervalMs: e.SCHEDULE_INTERVAL, usersPerSlot: e.USERS_PER_SLOT },
    batch: { maxRecords: e.BATCH_MAX_RECORDS, maxWaitMs: e.BATCH_MAX_WAIT },
    metrics: { port: e.METRICS_PORT, host: e.METRICS_HOST },
  };
}

/** True when the environment names external servers, so no local stack should be started. */
export function usesExternalServers(env: NodeJS.ProcessEnv = process.env): boolean {
  return ['TEMPORAL_ADDRESS', 'KAFKA_BROKERS', 'CASSANDRA_CONTACT_POINTS'].some((name) => (env[name] ?? '') !== '');
}
