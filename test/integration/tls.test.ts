import fs from 'node:fs';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { localStackEnv } from '../../src/dev/stack/local-env';
import { loadStackSettings, type StackSettings } from '../../src/dev/stack/settings';
import { stackStopService, stackUp } from '../../src/dev/stack/stack';
import { stackTlsFiles } from '../../src/dev/stack/tls';
import { compiledEntry } from '../support/compiled';
import { settle } from '../support/faults';
import { unusedPort } from '../support/ports';
import { failureCertificates } from '../support/tls-certs';
import { checkInvariant, expectInvariant } from '../support/invariant';
import { runPipeline } from '../support/run-command';
import { IsolatedPipeline, waitFor } from '../support/isolated-pipeline';
import { WorkerProcess } from '../support/worker-process';

const quiet = () => undefined;

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** The local stack with its TLS listeners (STACK_TLS=1): Kafka and Cassandra restarted with them if they run without. */
/** Brings up the TLS listeners; returns whether the TLS terminator had to be started (then it is the test's to stop). */
async function tlsStack(settings: StackSettings): Promise<boolean> {
  const terminatorRan = await listening(settings.tls.temporalPort);
  if (!(await listening(settings.tls.kafkaSslPort))) await stackStopService(settings, 'kafka');
  const yaml = path.join(settings.dataDir, 'cassandra', 'cassandra.yaml');
  if (!(fs.existsSync(yaml) && fs.readFileSync(yaml, 'utf8').includes('client_encryption_options'))) await stackStopService(settings, 'cassandra');
  await stackUp(settings, quiet);
  return !terminatorRan;
}

/**
 * The pipeline over TLS to all three servers of the local stack at once: Temporal through the stack's
 * TLS terminator, Kafka on its SSL listener, Cassandra with client encryption, each verifying the
 * stack's CA and each requiring the pipeline's client certificate.
 */
describe('TLS with client certificates to Temporal, Kafka and Cassandra (STACK_TLS=1)', () => {
  const settings = loadStackSettings({ ...process.env, STACK_TLS: '1' });
  let pipeline: IsolatedPipeline;
  let tlsEnv: Record<string, string>;
  let startedTerminator = false;

  beforeAll(async () => {
    startedTerminator = await tlsStack(settings);
    const { KAFKA_REPLICATION_FACTOR: _rf, ...env } = localStackEnv(settings);
    tlsEnv = env;
    pipeline = await IsolatedPipeline.create({ ...tlsEnv, SCHEDULE_INTERVAL: '1s', USERS_PER_SLOT: '5' });
    await pipeline.prepare();
  }, 300_000);

  afterAll(async () => {
    await pipeline?.close();
    // Kafka and Cassandra keep their TLS listeners beside the plaintext ones the other tests use.
    if (startedTerminator) await stackStopService(settings, 'temporal-tls');
  });

  it('runs end to end: slots flow, rows land, nothing lost or doubled, every connection is TLS, and no secret or key shows anywhere', async () => {
    expect(tlsEnv['TEMPORAL_ADDRESS']).toBe(`127.0.0.1:${settings.tls.temporalPort}`);
    expect(tlsEnv['KAFKA_BROKERS']).toBe(`127.0.0.1:${settings.tls.kafkaSslPort}`);
    const apiKey = `tmprl-${randomBytes(12).toString('base64url')}`;
    const base: Record<string, string> = { ...pipeline.workerEnv(), ...tlsEnv, TEMPORAL_API_KEY: apiKey };
    // The sink reads Kafka with its client certificate (SSL); the ingest worker publishes as the SASL
    // user over TLS (SASL_SSL), with a password.
    const { KAFKA_TLS_CERT_FILE: _c, KAFKA_TLS_KEY_FILE: _k, ...withoutKafkaCert } = base;
    const ingestEnv = { ...withoutKafkaCert, KAFKA_BROKERS: `127.0.0.1:${settings.tls.kafkaSaslSslPort}`, KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: settings.kafka.saslUsername, KAFKA_SASL_PASSWORD: settings.kafka.saslPassword };
    const ingest = await WorkerProcess.start('ingest', ingestEnv);
    const sink = await WorkerProcess.start('sink', base);
    let status = '';
    const histories: string[] = [];
    try {
      await pipeline.schedule().unpause('started by the test');
      await waitFor('rows written over TLS', async () => (await pipeline.cassandraIds()).length >= 20, 90_000, 300);
      const slots = await settle(pipeline);
      expectInvariant('tls-all-three', await checkInvariant(pipeline), { slots });
      // Cassandra's own view of its clients: the pipeline's connections are encrypted.
      const clients = await pipeline.cassandra.execute('SELECT address, ssl_enabled, ssl_protocol FROM system_views.clients');
      const encrypted = clients.rows.filter((row) => row.get('ssl_enabled') === true);
      expect(encrypted.length).toBeGreaterThanOrEqual(2); // the harness's client and the sink worker's
      expect(String(encrypted[0]!.get('ssl_protocol'))).toMatch(/^TLSv1\.[23]$/);
      const result = await runPipeline(['status'], base);
      expect(result.code).toBe(0);
      status = result.stdout + result.stderr;
      for (const type of ['ingestSlot', 'writeBatch']) {
        const queue = type === 'ingestSlot' ? pipeline.config.temporal.ingestTaskQueue : pipeline.config.temporal.sinkTaskQueue;
        for await (const execution of pipeline.temporal.workflow.list({ query: `WorkflowType = '${type}' AND TaskQueue = '${queue}'` })) {
          histories.push(JSON.stringify(await pipeline.temporal.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory()));
        }
      }
    } finally {
      expect(await ingest.stop()).toBe(0);
      expect(await sink.stop()).toBe(0);
    }
    expect(histories.join('\n')).toContain(pipeline.config.kafka.topic); // the histories were really read
    // The client key's body, the SASL password and the API key: in no log, status output or history.
    const keyBody = fs.readFileSync(stackTlsFiles(settings).clientKey, 'utf8').split('\n')[1]!;
    const places = { workerLogs: [...ingest.lines, ...sink.lines].join('\n'), status, histories: histories.join('\n') };
    for (const [place, text] of Object.entries(places)) {
      for (const secret of [keyBody, settings.kafka.saslPassword, apiKey, 'PRIVATE KEY']) expect({ place, secret: secret.slice(0, 12), leaks: text.includes(secret) }).toEqual({ place, secret: secret.slice(0, 12), leaks: false });
    }
  }, 240_000);

  describe('a TLS setting that is wrong stops the worker with one line naming the server and the variable', () => {
    let certs: ReturnType<typeof failureCertificates>;
    const files = () => stackTlsFiles(settings);

    beforeAll(() => {
      certs = failureCertificates({ cert: files().ca, key: files().caKey });
    });

    afterAll(() => certs?.remove());

    /** Starts a sink worker with the TLS settings changed as given; returns its exit code and what it printed. */
    async function failingStart(change: Record<string, string | undefined>): Promise<{ code: number | null; lines: string[] }> {
      const env: Record<string, string> = { ...pipeline.workerEnv(), ...tlsEnv };
      for (const [name, value] of Object.entries(change)) {
        if (value === undefined) delete env[name];
        else env[name] = value;
      }
      const worker = await WorkerProcess.spawn('sink', env);
      const exit = await worker.waitForExit(90_000);
      const lines = worker.lines.filter((line) => line.trim() !== '');
      // No secret or key material, whatever the failure.
      for (const line of lines) expect(line).not.toMatch(/PRIVATE KEY|BEGIN CERTIFICATE|local-stack-kafka-secret|wrong-sasl-secret/);
      return { code: exit.code, lines };
    }

    const cases: [string, () => Record<string, string | undefined>, RegExp][] = [
      ['Temporal, a CA that did not sign its certificate', () => ({ TEMPORAL_TLS_CA_FILE: certs.otherCa }),
        /^error: Temporal at 127\.0\.0\.1:\d+: TLS handshake failed: the server's certificate is not signed by a CA this client trusts \(check TEMPORAL_TLS_CA_FILE\)$/],
      ['Temporal, a server name its certificate does not carry', () => ({ TEMPORAL_TLS_SERVER_NAME: 'wrong-host.example' }),
        /^error: Temporal at .*: TLS handshake failed: the server's certificate is not valid for the name it was reached by \(check TEMPORAL_TLS_SERVER_NAME and TEMPORAL_ADDRESS\)$/],
      ['Temporal, no client certificate where one is required', () => ({ TEMPORAL_TLS_CERT_FILE: undefined, TEMPORAL_TLS_KEY_FILE: undefined }),
        /^error: Temporal at .*: (TLS handshake failed: the server requires a client certificate|the server closed the connection after the TLS handshake: it may require a client certificate) \(set TEMPORAL_TLS_CERT_FILE and TEMPORAL_TLS_KEY_FILE\)$/],
      ['Kafka, a CA that did not sign its certificate', () => ({ KAFKA_TLS_CA_FILE: certs.otherCa }),
        /^error: Kafka at 127\.0\.0\.1:\d+: TLS handshake failed: the server's certificate is not signed by a CA this client trusts \(check KAFKA_TLS_CA_FILE\)$/],
      ['Kafka, no client certificate where one is required', () => ({ KAFKA_TLS_CERT_FILE: undefined, KAFKA_TLS_KEY_FILE: undefined }),
        /^error: Kafka at .*: TLS handshake failed: the server (requires a client certificate|refused the client certificate, or wanted one and got none) .*KAFKA_TLS_CERT_FILE and KAFKA_TLS_KEY_FILE/],
      ['Kafka, a wrong SASL password over TLS', () => ({ KAFKA_BROKERS: `127.0.0.1:${settings.tls.kafkaSaslSslPort}`, KAFKA_TLS_CERT_FILE: undefined, KAFKA_TLS_KEY_FILE: undefined, KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: settings.kafka.saslUsername, KAFKA_SASL_PASSWORD: 'wrong-sasl-secret' }),
        /^error: Kafka at 127\.0\.0\.1:\d+ rejected the SASL credentials \(check KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD\)/],
      ['Cassandra, a CA that did not sign its certificate', () => ({ CASSANDRA_TLS_CA_FILE: certs.otherCa }),
        /^error: Cassandra at 127\.0\.0\.1:\d+: TLS handshake failed: the server's certificate is not signed by a CA this client trusts \(check CASSANDRA_TLS_CA_FILE\)$/],
      ['Cassandra, no client certificate where one is required', () => ({ CASSANDRA_TLS_CERT_FILE: undefined, CASSANDRA_TLS_KEY_FILE: undefined }),
        /^error: Cassandra at .*: TLS handshake failed: the server (requires a client certificate|refused the client certificate, or wanted one and got none) .*CASSANDRA_TLS_CERT_FILE and CASSANDRA_TLS_KEY_FILE/],
    ];

    it.each(cases)('%s', async (_name, change, line) => {
      const { code, lines } = await failingStart(change());
      expect(code).toBe(1);
      expect(lines.at(-1)).toMatch(line);
      // No retry storm: the one line, and at most a line or two before it.
      expect(lines.length).toBeLessThanOrEqual(3);
    }, 120_000);

    it('Temporal behind an expired certificate', async () => {
      const port = await unusedPort();
      const terminator = spawn(process.execPath, [await compiledEntry('dev/stack/tls-terminator'), String(port), String(settings.temporal.port), certs.expiredCert, certs.expiredKey, files().ca], { stdio: 'ignore' });
      try {
        await waitFor('the expired terminator to listen', () => listening(port), 10_000, 100);
        const { code, lines } = await failingStart({ TEMPORAL_ADDRESS: `127.0.0.1:${port}` });
        expect(code).toBe(1);
        expect(lines.at(-1)).toMatch(/^error: Temporal at 127\.0\.0\.1:\d+: TLS handshake failed: the server's certificate has expired or is not valid yet/);
        expect(lines.length).toBeLessThanOrEqual(3);
      } finally {
        terminator.kill('SIGKILL');
      }
    }, 120_000);
  });
});
