import fs from 'node:fs';
import path from 'node:path';
import { failureLine, isRunning, launch, readRecord, readRecords, stop, tail } from './processes';
import { ephemeralPortRange, inRange, isPortOpen, portHolder } from './ports';
import type { Progress } from './provision';
import type { StackService } from './service';
import { cassandraServices } from './services/cassandra';
import { kafkaServices } from './services/kafka';
import { temporalService } from './services/temporal';
import { temporalTlsService } from './services/temporal-tls';
import type { StackSettings } from './settings';
import { setTimeout as sleep } from 'node:timers/promises';

/** The servers of the stack, in start order; Kafka and Cassandra are one node or three (STACK_KAFKA_BROKERS, STACK_CASSANDRA_NODES). */
export function stackServices(settings: StackSettings): StackService[] {
  // The TLS terminator is the stack's with STACK_TLS=1, and also while one started that way still runs,
  // so `stack down` and `stack status` without the option still see it.
  const tls = settings.tls.enabled || readRecord(settings.dataDir, temporalTlsService.name) !== undefined;
  return [temporalService, ...(tls ? [temporalTlsService] : []), ...kafkaServices(settings), ...cassandraServices(settings)];
}

/** How long each server may take from launch to answering, on a busy 2-core machine. */
const READY_TIMEOUT_MS: Record<StackService['kind'], number> = { temporal: 90_000, kafka: 120_000, cassandra: 240_000 };

/** A server of the stack failed to provision, start or answer; carries the end of its log. */
export class StackServiceError extends Error {
  override name = 'StackServiceError';
  constructor(readonly service: string, message: string, readonly logTail?: string) {
    super(`${service}: ${message}`);
  }
}

export function findService(settings: StackSettings, name: string): StackService {
  const services = stackServices(settings);
  const service = services.find((s) => s.name === name);
  if (!service) throw new Error(`unknown service "${name}" (expected one of ${services.map((s) => s.name).join(', ')})`);
  return service;
}

/** The services named, or of the kinds named (`kafka` is every Kafka node); all when none is named. */
function selectServices(settings: StackSettings, only?: readonly string[]): StackService[] {
  const services = stackServices(settings);
  if (!only || only.length === 0) return services;
  return services.filter((s) => only.includes(s.name) || only.includes(s.kind));
}

function isServiceRunning(settings: StackSettings, service: StackService): boolean {
  const record = readRecord(settings.dataDir, service.name);
  return record !== undefined && isRunning(record);
}

async function waitUntilReady(settings: StackSettings, service: StackService, progress: Progress): Promise<void> {
  const started = Date.now();
  const deadline = started + READY_TIMEOUT_MS[service.kind];
  let lastError = 'no answer yet';
  let nextReport = started + 15_000;
  for (;;) {
    const record = readRecord(settings.dataDir, service.name);
    if (!record || !isRunning(record)) {
      const logFile = service.launchSpec(settings).logFile;
      const cause = failureLine(tail(logFile, 200));
      throw new StackServiceError(service.name, `the process exited before answering${cause ? `: ${cause}` : ''} (log: ${logFile})`, tail(logFile));
    }
    try {
      await service.probe(settings);
      progress(`${service.name} ready after ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline) {
      const logFile = service.launchSpec(settings).logFile;
      throw new StackServiceError(service.name, `not answering after ${READY_TIMEOUT_MS[service.kind] / 1000} s: ${lastError}`, tail(logFile));
    }
    if (Date.now() > nextReport) {
      progress(`waiting for ${service.name} to answer (${Math.round((Date.now() - started) / 1000)} s)`);
      nextReport = Date.now() + 15_000;
    }
    await sleep(500);
  }
}

/** Refuses a port another process holds, with a line that says how; warns of one the kernel may hand to a connection. */
async function checkPorts(settings: StackSettings, service: StackService, progress: Progress): Promise<void> {
  const ephemeral = ephemeralPortRange();
  for (const { host, port } of service.ports(settings)) {
    const holder = await portHolder(port, host);
    if (holder === 'listener') {
      throw new StackServiceError(service.name, `port ${host}:${port} is already in use by a process this stack did not start (stop it, or choose another port with the STACK_* variables)`);
    }
    if (holder === 'connection') {
      const why = inRange(port, ephemeral)
        ? `the kernel hands out ports of its ephemeral range (${ephemeral!.low}-${ephemeral!.high}) to outgoing connections: choose a port outside it`
        : 'close it, or choose another port';
      throw new StackServiceError(service.name, `port ${host}:${port} is held by the local end of an open connection; ${why} with the STACK_* variables`);
    }
    if (inRange(port, ephemeral)) {
      progress(`warning: ${service.name}'s port ${port} lies in the machine's ephemeral range (${ephemeral!.low}-${ephemeral!.high}): an outgoing connection can take it and stop the server from starting`);
    }
  }
}

export interface UpResult {
  started: string[];
  alreadyRunning: string[];
}

/**
 * Brings every server up: provisions what the cache lacks, starts what is not running, and resolves
 * once each answers a real request. Idempotent: running servers are only probed.
 */
/** Kinds started ahead of the others, the first named last. */
const START_FIRST = ['kafka', 'cassandra'];

export async function stackUp(settings: StackSettings, progress: Progress, options: { only?: readonly string[] } = {}): Promise<UpResult> {
  fs.mkdirSync(settings.dataDir, { recursive: true });
  const services = selectServices(settings, options.only);
  const alreadyRunning = services.filter((s) => isServiceRunning(settings, s));
  const toStart = services.filter((s) => !alreadyRunning.includes(s));

  // Provisioning is download- and build-bound, so the three run side by side.
  // Nodes of one kind share one cached build: provision it once, not once per Kafka node.
  const toProvision = toStart.filter((s, i) => toStart.findIndex((t) => t.kind === s.kind) === i);
  const provisioned = await Promise.allSettled(toProvision.map((s) => s.provision({ settings, progress })));
  const failures = provisioned.flatMap((r, i) => (r.status === 'rejected' ? [new StackServiceError(toProvision[i]!.kind, r.reason instanceof Error ? r.reason.message : String(r.reason))] : []));
  if (failures.length > 0) throw new AggregateStackError(failures);

  // Every port is checked before any server starts, so a port held elsewhere leaves nothing half started.
  for (const service of toStart) await checkPorts(settings, service, progress);
  // The slowest to answer first: Cassandra's start is the longest wait, and Kafka's first-start storage
  // formatting would otherwise hold it back. Within a kind, the configured order stays (ring seeds first).
  const startOrder = [...toStart].sort((a, b) => START_FIRST.indexOf(b.kind) - START_FIRST.indexOf(a.kind));
  for (const service of startOrder) {
    await service.prepare({ settings, progress });
    const spec = service.launchSpec(settings);
    progress(`starting ${service.name} (log: ${spec.logFile})`);
    launch(settings.dataDir, spec);
  }
  await Promise.all(services.map((s) => waitUntilReady(settings, s, progress)));
  return { started: toStart.map((s) => s.name), alreadyRunning: alreadyRunning.map((s) => s.name) };
}

/** Several servers failed at once; each keeps its own line. */
export class AggregateStackError extends Error {
  override name = 'AggregateStackError';
  constructor(readonly errors: StackServiceError[]) {
    super(errors.map((e) => e.message).join('\n'));
  }
}

export interface DownResult {
  service: string;
  outcome: 'stopped' | 'killed' | 'not running';
  portsStillOpen: number[];
  /** A process the stack recorded that today's settings do not name (started with another environment). */
  otherEnvironment?: boolean;
}

/** What `stack down` stops: a server of today's settings, or any other process the run folder records. */
interface StopTarget {
  name: string;
  kind: string;
  service?: StackService;
}

/** The kind a recorded name belongs to (`kafka-2` is Kafka); records of no known kind (a source server) are `other`. */
function kindOfName(name: string): string {
  return /^(temporal|kafka|cassandra)(?:-|$)/.exec(name)?.[1] ?? 'other';
}

/**
 * Stops every server the stack started, whatever the environment says now: the servers of today's
 * settings and every other process recorded under the run folder (ring nodes and brokers started with
 * STACK_CASSANDRA_NODES=3 or STACK_KAFKA_BROKERS=3, a TLS terminator, a source server). Each is stopped
 * only when its pid and start time still match its record. `purge` then deletes the stack's data, and
 * refuses while a recorded process still runs. `only` limits it to services of today's settings.
 */
export async function stackDown(settings: StackSettings, options: { purge: boolean; only?: readonly string[] }, progress: Progress): Promise<DownResult[]> {
  const results: DownResult[] = [];
  const services = selectServices(settings, options.only);
  const targets: StopTarget[] = services.map((service) => ({ name: service.name, kind: service.kind, service }));
  if (!options.only) {
    for (const record of readRecords(settings.dataDir)) {
      if (!targets.some((t) => t.name === record.name)) targets.push({ name: record.name, kind: kindOfName(record.name) });
    }
  }
  const stopOne = async ({ name, service }: StopTarget): Promise<DownResult> => {
    const record = readRecord(settings.dataDir, name);
    let outcome: DownResult['outcome'] = 'not running';
    if (record) {
      if (isRunning(record)) progress(`stopping ${name} (pid ${record.pid})`);
      outcome = await stop(settings.dataDir, record, settings.stopGraceMs);
    }
    // A JVM releases its sockets during the last moments of exit, after its pid stops looking alive.
    let portsStillOpen: number[] = [];
    const portDeadline = Date.now() + 10_000;
    do {
      portsStillOpen = [];
      for (const { host, port } of service?.ports(settings) ?? []) if (await isPortOpen(port, host)) portsStillOpen.push(port);
      if (portsStillOpen.length > 0 && record) await sleep(250);
    } while (portsStillOpen.length > 0 && record && Date.now() < portDeadline);
    return { service: name, outcome, portsStillOpen, ...(service ? {} : { otherEnvironment: true }) };
  };
  // Nodes of one kind stop together: the last Kafka voter left alone cannot finish a controlled shutdown.
  // Clients of the servers (kinds the stack does not know) stop first, then the servers in reverse start order.
  const kinds = ['other', 'cassandra', 'kafka', 'temporal'].filter((kind) => targets.some((t) => t.kind === kind));
  for (const kind of kinds) results.push(...(await Promise.all(targets.filter((t) => t.kind === kind).map(stopOne))));
  if (options.purge && !options.only) purgeStackData(settings);
  return results;
}

/** `stack down --purge` would delete the records of processes that still run, and nothing could stop them after. */
export class StackPurgeRefusedError extends Error {
  override name = 'StackPurgeRefusedError';
}

/** Deletes the stack's data, logs and records; refuses while any recorded process still runs. */
export function purgeStackData(settings: StackSettings): void {
  const running = readRecords(settings.dataDir).filter(isRunning);
  if (running.length > 0) {
    const which = running.map((r) => `${r.name} (pid ${r.pid})`).join(', ');
    throw new StackPurgeRefusedError(`not purging ${settings.dataDir}: ${which} still running; stop ${running.length === 1 ? 'it' : 'them'} first (npm run stack -- down), then purge again`);
  }
  for (const entry of fs.existsSync(settings.dataDir) ? fs.readdirSync(settings.dataDir) : []) {
    if (/^(temporal|kafka(-\d+)?|kafka-cluster\.id|cassandra(-\d+)?|run|logs)$/.test(entry)) fs.rmSync(path.join(settings.dataDir, entry), { recursive: true, force: true });
  }
}

/**
 * Stops one server (for fault tests and operators); `stackUp` starts it again. `kill` sends SIGKILL
 * at once, as a crash or a power cut would, instead of asking it to shut down.
 */
export async function stackStopService(settings: StackSettings, name: string, options: { kill?: boolean } = {}): Promise<DownResult['outcome']> {
  const service = findService(settings, name);
  const record = readRecord(settings.dataDir, service.name);
  if (!record) return 'not running';
  const outcome = await stop(settings.dataDir, record, options.kill ? 0 : settings.stopGraceMs);
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && (await Promise.all(service.ports(settings).map((p) => isPortOpen(p.port, p.host)))).some(Boolean)) await sleep(250);
  return outcome;
}

export interface ServiceStatus {
  service: string;
  state: 'ready' | 'running, not answering' | 'stopped' | 'running';
  pid?: number;
  addresses: string[];
  detail?: string;
  /** Recorded under the run folder but not a server of today's settings (started with another environment). */
  otherEnvironment?: boolean;
}

/** Each server of today's settings, then every other process the run folder records, running or left behind. */
export async function stackStatus(settings: StackSettings): Promise<ServiceStatus[]> {
  const services = stackServices(settings);
  const own = await Promise.all(
    services.map(async (service): Promise<ServiceStatus> => {
      const record = readRecord(settings.dataDir, service.name);
      const addresses = service.addresses(settings);
      if (!record || !isRunning(record)) return { service: service.name, state: 'stopped', addresses };
      try {
        await service.probe(settings);
        return { service: service.name, state: 'ready', pid: record.pid, addresses };
      } catch (error) {
        return { service: service.name, state: 'running, not answering', pid: record.pid, addresses, detail: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
  const others = readRecords(settings.dataDir)
    .filter((record) => !services.some((s) => s.name === record.name))
    .map((record): ServiceStatus => isRunning(record)
      ? { service: record.name, state: 'running', pid: record.pid, addresses: [], otherEnvironment: true, detail: `started ${record.startedAt} with other settings; npm run stack -- down stops it (log: ${record.logFile})` }
      : { service: record.name, state: 'stopped', addresses: [], otherEnvironment: true, detail: `record of pid ${record.pid} left behind (log: ${record.logFile})` });
  return [...own, ...others];
}

export function logFileOf(settings: StackSettings, service: StackService): string {
  return service.launchSpec(settings).logFile;
}
