import fs from 'node:fs';
import path from 'node:path';
import type { Client as CassandraClient } from 'cassandra-driver';
import { loadPipelineConfig } from '../../src/config/pipeline-config';
import { createCassandraClient } from '../../src/cassandra/client';
import { startSourceServer, type SourceServer } from '../../src/dev/fake-source/server';
import { stackStopService, stackUp } from '../../src/dev/stack/stack';
import { IsolatedPipeline, sleep, waitFor } from '../support/isolated-pipeline';
import { checkInvariant, expectInvariant } from '../support/invariant';
import { settle } from '../support/faults';
import { outageStackAddresses, outageStackSettings, removeOutageStack } from '../support/outage-stack';
import { ownPipelineNames, uniqueName } from '../support/stack-addresses';
import { runPipeline } from '../support/run-command';
import { READY, WorkerProcess } from '../support/worker-process';

const GRACE_S = 10;
/** How long each server stays down under load: shorter than a deployment's outages, to keep the suite's time. */
const OUTAGE_S = 40;

function writeFigures(name: string, figures: Record<string, unknown>): void {
  const file = path.resolve(__dirname, '..', '..', 'test-artifacts', 'reliability', `${name}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify({ fault: name, at: new Date().toISOString(), ...figures }, null, 2)}\n`);
}

/**
 * Servers down when the processes start, and down while they stop: on a Temporal, Kafka and Cassandra
 * of the test's own (test/support/outage-stack.ts), since these tests start processes before the
 * servers and kill servers.
 */
describe('fault: servers down at start and during a stop', () => {
  const settings = outageStackSettings();
  const addresses = outageStackAddresses(settings);
  const quiet = () => undefined;
  const processes: WorkerProcess[] = [];
  let source: SourceServer | undefined;
  let cassandra: CassandraClient | undefined;
  let pipeline: IsolatedPipeline | undefined;

  beforeAll(async () => {
    await stackUp(settings, quiet, { only: ['temporal'] });
  }, 300_000);

  // A case that failed midway leaves its processes: stopped here, so the next case counts only its own.
  afterEach(async () => {
    for (const p of processes.splice(0)) await p.stop(5000).catch(() => undefined);
  }, 60_000);

  afterAll(async () => {
    await cassandra?.shutdown().catch(() => undefined);
    await pipeline?.close().catch(() => undefined);
    await source?.close().catch(() => undefined);
    await removeOutageStack(settings);
  }, 300_000);

  it('1. with Cassandra and Kafka down, the sink worker, the ingest worker and npm start wait quietly, then run once the servers answer', async () => {
    source = await startSourceServer({ host: '127.0.0.1', port: 0 });
    const name = uniqueName('o');
    const env = {
      ...addresses,
      ...ownPipelineNames(name),
      USERS_PER_SLOT: '5',
      BATCH_MAX_WAIT: '100ms',
      SOURCE_URL: source.url,
      SHUTDOWN_GRACE: `${GRACE_S}s`,
    };
    const started = Date.now();
    for (const kind of ['sink', 'ingest', 'npm start'] as const) processes.push(await WorkerProcess.spawn(kind, env));
    await sleep(30_000);
    const kafkaAt = addresses.KAFKA_BROKERS!;
    const cassandraAt = addresses.CASSANDRA_CONTACT_POINTS!;
    const after30s = processes.map((p) => ({ kind: p.kind, exit: p.exit, lines: p.lines.length }));
    for (const p of processes) {
      expect({ kind: p.kind, exit: p.exit, tooManyLines: p.lines.length > 20 ? p.lines : [] }).toEqual({ kind: p.kind, exit: undefined, tooManyLines: [] });
      expect(p.lines).toContain(`waiting for Kafka at ${kafkaAt}: ECONNREFUSED (retrying every 0.5-15 s)`);
      if (p.kind !== 'ingest') expect(p.lines).toContain(`waiting for Cassandra at ${cassandraAt}: ECONNREFUSED (retrying every 0.5-15 s)`);
    }

    await stackUp(settings, quiet, { only: ['kafka', 'cassandra'] });
    const serversUp = Date.now();
    cassandra = createCassandraClient(loadPipelineConfig(env).cassandra);
    await cassandra.connect();
    const rowsAt = await waitFor('rows in Cassandra', async () => {
      const result = await cassandra!.execute(`SELECT count(*) FROM ${name}.random_names`);
      return Number(result.first().get(0)) > 0 && Date.now();
    }, 30_000, 500);
    const running = () => processes.filter((p) => p.lines.some((line) => line.includes(READY[p.kind]))).map((p) => p.kind);
    const allRunningAt = await waitFor('every process running', async () => running().length === processes.length && Date.now(), Math.max(1000, serversUp + 30_000 - Date.now()), 250)
      .catch(() => undefined);
    expect({ running: running(), lines: allRunningAt ? [] : processes.map((p) => p.lines.slice(-4)) }).toEqual({ running: processes.map((p) => p.kind), lines: [] });
    for (const p of processes) {
      expect({ kind: p.kind, exit: p.exit }).toEqual({ kind: p.kind, exit: undefined });
      expect(p.lines.some((line) => line.startsWith(`Kafka at ${kafkaAt} is back (down `))).toBe(true);
    }
    writeFigures('servers-down-at-start', {
      waitedBeforeServersMs: serversUp - started,
      firstRowAfterServersUpMs: rowsAt - serversUp,
      allRunningAfterServersUpMs: allRunningAt! - serversUp,
      after30s,
      lines: Object.fromEntries(processes.map((p) => [p.kind, p.lines])),
    });
    // A stop with every server up drains and exits 0.
    for (const p of processes.splice(0)) expect({ kind: p.kind, exit: await p.stop(GRACE_S * 1000 + 10_000) }).toEqual({ kind: p.kind, exit: 0 });
  }, 300_000);

  it('3. Ctrl-C during a Cassandra outage exits within SHUTDOWN_GRACE + 5 s, a second Ctrl-C within 2 s; with Cassandra back, nothing is lost', async () => {
    await stackUp(settings, quiet); // up since test 1; started here when run alone
    pipeline = await IsolatedPipeline.create({ ...addresses, SCHEDULE_INTERVAL: '1s', USERS_PER_SLOT: '20', BATCH_MAX_RECORDS: '50', BATCH_MAX_WAIT: '100ms' });
    await pipeline.prepare();
    const env = { ...pipeline.workerEnv(), SINK_CONSUMERS: '1', SHUTDOWN_GRACE: `${GRACE_S}s` };
    const ingest = await WorkerProcess.start('ingest', env);
    const first = await WorkerProcess.start('sink', env);
    const second = await WorkerProcess.start('sink', env);
    processes.push(ingest, first, second);
    await pipeline.schedule().unpause('started by the test');
    await waitFor('rows before the outage', async () => (await pipeline!.cassandraIds()).length >= 40, 60_000, 300);

    await stackStopService(settings, 'cassandra', { kill: true });
    await sleep(6000); // batches of both sink workers are now waiting for their writes

    // The second sink first, while both still hold batches waiting for their writes: once the first one
    // leaves the group, the rebalance can take the second one's batches away, and with nothing in flight its
    // first Ctrl-C would finish the stop at once. The second's exit at once leaves its member to time out.
    second.signal('SIGINT');
    await sleep(1000);
    let at = Date.now();
    second.signal('SIGINT');
    const secondExit = await second.waitForExit(10_000);
    const secondStopMs = Date.now() - at;
    expect(secondStopMs).toBeLessThan(2000);
    expect(secondExit.code).toBe(130);
    expect(second.lines.some((line) => line.startsWith('SIGINT again: exiting now'))).toBe(true);

    at = Date.now();
    const firstExit = await first.stop((GRACE_S + 20) * 1000, 'SIGINT');
    const firstStopMs = Date.now() - at;
    expect(firstExit).toBe(0);
    expect(firstStopMs).toBeLessThan((GRACE_S + 5) * 1000);
    const left = first.lines.find((line) => line.startsWith('sink worker stopped: '));
    expect(left).toMatch(new RegExp(`^sink worker stopped: after SHUTDOWN_GRACE \\(${GRACE_S} s\\), left [1-9]\\d* batch\\(es\\) uncommitted: .*partition \\d+ offsets \\d+-\\d+`));

    const restartAt = Date.now();
    await stackUp(settings, quiet, { only: ['cassandra'] });
    const cassandraDownMs = Date.now() - restartAt;
    processes.push(await WorkerProcess.start('sink', env));
    const slots = await settle(pipeline);
    expect(ingest.crashed).toBe(false);
    expectInvariant('ctrl-c-during-cassandra-outage', await checkInvariant(pipeline), { slots, firstStopMs, left, secondStopMs, cassandraRestartMs: cassandraDownMs });
    for (const p of processes.splice(0)) await p.stop(GRACE_S * 1000 + 10_000);
  }, 400_000);

  it(`2. under load, Cassandra killed, then the Kafka broker killed, then the Temporal server stopped, ${OUTAGE_S} s each: every process stays up, and the audit of the run is clean`, async () => {
    await stackUp(settings, quiet); // up since test 1; started here when run alone
    await pipeline?.close();
    pipeline = await IsolatedPipeline.create({ ...addresses, SCHEDULE_INTERVAL: '1s', USERS_PER_SLOT: '20', BATCH_MAX_RECORDS: '50', BATCH_MAX_WAIT: '100ms' });
    await pipeline.prepare();
    const env = { ...pipeline.workerEnv(), SHUTDOWN_GRACE: `${GRACE_S}s` };
    for (const kind of ['ingest', 'sink', 'npm start'] as const) processes.push(await WorkerProcess.start(kind, env));
    await pipeline.schedule().unpause('started by the test');
    const firstSlot = new Date();
    await waitFor('rows before the outages', async () => (await pipeline!.cassandraIds()).length >= 40, 60_000, 300);

    const outages: Record<string, unknown>[] = [];
    for (const [service, kill] of [['cassandra', true], ['kafka', true], ['temporal', false]] as const) {
      const rowsBefore = (await pipeline.cassandraIds().catch(() => [])).length;
      const linesBefore = processes.map((p) => p.lines.length);
      const stoppedAt = Date.now();
      await stackStopService(settings, service, { kill });
      await sleep(OUTAGE_S * 1000);
      await stackUp(settings, quiet, { only: [service] });
      const downMs = Date.now() - stoppedAt;
      const rowsAfter = await waitFor(`rows after the ${service} outage`, async () => {
        const rows = (await pipeline!.cassandraIds()).length;
        return rows > rowsBefore && rows;
      }, 60_000, 500);
      // Every process that said the server was away says it is back (the servers' probes, every 2 s).
      const name = { cassandra: 'Cassandra', kafka: 'Kafka', temporal: 'Temporal' }[service];
      const saidBack = (lines: string[]) => !lines.some((l) => l.startsWith(`waiting for ${name} at`)) || lines.some((l) => l.startsWith(`${name} at `) && l.includes(' is back (down '));
      await waitFor(`every process that said ${name} was away to say it is back`, async () => processes.every((p, i) => saidBack(p.lines.slice(linesBefore[i]))), 30_000, 500)
        .catch(() => undefined);
      for (const [i, p] of processes.entries()) expect({ kind: p.kind, service, back: saidBack(p.lines.slice(linesBefore[i])) }).toEqual({ kind: p.kind, service, back: true });
      // The lines each process printed from the kill until rows flowed and it said the server was back:
      // the outage as its log shows it. npm start's status line (every 10 s into a log) is printed whether
      // or not a server is away: not counted.
      const printed = Object.fromEntries(processes.map((p, i) => [p.kind, p.lines.slice(linesBefore[i]).filter((line) => !line.startsWith('slots '))]));
      outages.push({ service, kill, downMs, rowsBefore, rowsAfter, resumedAfterMs: Date.now() - stoppedAt - downMs, lines: Object.fromEntries(Object.entries(printed).map(([kind, lines]) => [kind, lines.length])), printed });
      for (const p of processes) expect({ kind: p.kind, crashed: p.crashed, last: p.crashed ? p.lines.slice(-5) : [] }).toEqual({ kind: p.kind, crashed: false, last: [] });
    }
    writeFigures('servers-down-under-load-lines', { outages });
    // One voice in an outage: a line when the server goes, one a minute while it is away, one when it is back.
    for (const outage of outages) {
      for (const [kind, count] of Object.entries(outage['lines'] as Record<string, number>)) {
        expect({ service: outage['service'], kind, count: Math.min(count, 5), lines: count > 5 ? (outage['printed'] as Record<string, string[]>)[kind] : [] }).toEqual({ service: outage['service'], kind, count, lines: [] });
      }
    }
    const slots = await settle(pipeline, 240_000);
    expectInvariant('servers-killed-under-load', await checkInvariant(pipeline), { slots, outages, lines: Object.fromEntries(processes.map((p) => [p.kind, p.lines.length])) });
    const audit = await runPipeline(['audit', '--from', firstSlot.toISOString(), '--to', new Date().toISOString(), '--settle', '1s'], pipeline.commandEnv());
    expect({ code: audit.code, stdout: audit.stdout }).toEqual({ code: 0, stdout: expect.stringMatching(/ 0 mismatched; .* 0 missing$/m) });
    for (const p of processes.splice(0)) expect({ kind: p.kind, exit: await p.stop(GRACE_S * 1000 + 10_000) }).toEqual({ kind: p.kind, exit: 0 });
  }, 600_000);
});
