import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { PIPELINE_ENV_VARIABLES } from '../../src/config/pipeline-config';

/** docker-compose.yml as the compose and image tests read it, and the helpers both use. */

export const ROOT = path.resolve(__dirname, '..', '..');
export const COMPOSE_FILE = path.join(ROOT, 'docker-compose.yml');
/** The compose-spec JSON schema as shipped by the npm package dclint (a dev dependency). */
export const COMPOSE_SCHEMA = path.join(path.dirname(require.resolve('dclint/package.json')), 'schemas', 'compose.schema.json');

export type Env = Record<string, string | undefined>;
export interface Healthcheck { test?: string | string[]; disable?: boolean }
export interface Service {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: Healthcheck;
  ports?: (string | number | { target: number; published?: string | number })[];
  volumes?: (string | { type?: string; source?: string; target: string })[];
  restart?: string;
  container_name?: string;
  hostname?: string;
  deploy?: unknown;
  profiles?: string[];
}
export interface ComposeFile { services: Record<string, Service>; volumes?: Record<string, unknown> }

export const composeText = fs.readFileSync(COMPOSE_FILE, 'utf8');
export const compose = parse(composeText, { merge: true }) as ComposeFile;
export const services = compose.services;

/** Servers the pipeline needs, each of which must say when it answers. */
export const SERVERS = ['postgres', 'temporal', 'temporal-ui', 'kafka-1', 'kafka-2', 'kafka-3', 'kafka-ui', 'cassandra', 'cassandra-2', 'cassandra-3'];
export const KAFKA_BROKERS = ['kafka-1', 'kafka-2', 'kafka-3'];
/** The optional profile that adds two Cassandra nodes to `cassandra`, and the ring it makes, in joining order. */
export const CASSANDRA_PROFILE = 'cassandra-cluster';
export const CASSANDRA_NODES = ['cassandra', 'cassandra-2', 'cassandra-3'];
/** What the workers cannot start without: answering servers and a finished init job. */
export const WORKER_NEEDS = { temporal: 'service_healthy', 'kafka-1': 'service_healthy', 'kafka-2': 'service_healthy', 'kafka-3': 'service_healthy', cassandra: 'service_healthy', 'pipeline-init': 'service_completed_successfully' };
export const PIPELINE_SERVICES = ['pipeline-init', 'ingest', 'sink'];
export const WORKERS = ['ingest', 'sink'];

/** Variables a pipeline container may set beyond the app's own: the runtime's, never the app's. */
export const STANDARD_VARIABLES = new Set(['NODE_ENV', 'NODE_OPTIONS', 'TZ', 'MALLOC_ARENA_MAX', 'MALLOC_MMAP_THRESHOLD_']);
/** The app requires none, but in compose these must point at the compose servers and the public API. */
export const REQUIRED_IN_COMPOSE = ['TEMPORAL_ADDRESS', 'KAFKA_BROKERS', 'CASSANDRA_CONTACT_POINTS', 'CASSANDRA_USERNAME', 'CASSANDRA_PASSWORD', 'CASSANDRA_WRITE_CONSISTENCY', 'SOURCE_URL'];
/** Settings compose deliberately sets to something else than the app's default; all others must equal it. */
export const COMPOSE_OVERRIDES = new Set([...REQUIRED_IN_COMPOSE, 'KAFKA_REPLICATION_FACTOR', 'CASSANDRA_TTL']);

export function environmentOf(service: Service): Record<string, string> {
  const env: Record<string, string> = {};
  if (Array.isArray(service.environment)) {
    for (const entry of service.environment) {
      const [name, ...value] = entry.split('=');
      env[name!] = value.join('=');
    }
  } else {
    for (const [name, value] of Object.entries(service.environment ?? {})) env[name] = value === null ? '' : String(value);
  }
  return env;
}

export function dependenciesOf(service: Service): Record<string, string> {
  const deps = service.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((name) => [name, 'service_started']));
  return Object.fromEntries(Object.entries(deps).map(([name, dep]) => [name, dep.condition ?? 'service_started']));
}

/** Compose's variable substitution: `$$`, `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?error}`. */
export function interpolate(value: string, env: Env): string {
  return value.replace(/\$\$|\$\{([A-Za-z_]\w*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_]\w*)/g, (match, braced?: string, op?: string, arg?: string, bare?: string) => {
    if (match === '$$') return '$';
    const name = (braced ?? bare)!;
    const current = env[name];
    if (!op) return current ?? '';
    const missing = current === undefined || (op.startsWith(':') && current === '');
    if (op.endsWith('?')) {
      if (missing) throw new Error(`${name} is required: ${arg}`);
      return current!;
    }
    return missing ? arg! : current!;
  });
}

export function interpolatedEnvironment(service: Service, shell: Env = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(environmentOf(service)).map(([name, value]) => [name, interpolate(value, shell)]));
}

/** Names a pipeline container sets that the app does not read: typos, or settings the app ignores. */
export function unknownVariables(env: Record<string, string>): string[] {
  const known = new Set<string>(PIPELINE_ENV_VARIABLES);
  return Object.keys(env).filter((name) => !known.has(name) && !STANDARD_VARIABLES.has(name));
}

export function commandOf(service: Service): string[] {
  const command = service.command ?? [];
  return typeof command === 'string' ? command.split(/\s+/) : command;
}

export function healthcheckCommand(service: Service): string {
  const test = service.healthcheck?.test ?? [];
  return (typeof test === 'string' ? test : test.join(' ')).trim();
}

export function publishedPorts(service: Service): { published: string; target: string }[] {
  return (service.ports ?? []).map((port) => {
    if (typeof port === 'object') return { published: String(port.published ?? ''), target: String(port.target) };
    const parts = String(port).split(':');
    return { published: parts.length >= 2 ? parts[parts.length - 2]! : '', target: parts[parts.length - 1]! };
  });
}

/** How `npm run worker:sink` starts the sink worker: environment assignments and Node flags before the entry point. */
export function sinkWorkerLaunch(): { env: Record<string, string>; flags: string[] } {
  const scripts = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const words = scripts['worker:sink']!.split('&&').at(-1)!.trim().split(/\s+/);
  const node = words.indexOf('node');
  expect(words.at(-1)).toBe('dist/workers/sink-worker.js');
  return { env: Object.fromEntries(words.slice(0, node).map((word) => word.split('=') as [string, string])), flags: words.slice(node + 1, -1) };
}

/** The TypeScript source a compiled entry point (dist/….js) is built from. */
export function sourceOf(compiled: string): string {
  expect(compiled).toMatch(/^dist\/.+\.js$/);
  return path.join(ROOT, 'src', compiled.slice('dist/'.length).replace(/\.js$/, '.ts'));
}
