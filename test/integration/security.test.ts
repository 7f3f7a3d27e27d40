import { randomBytes } from 'node:crypto';
import { Client, auth } from 'cassandra-driver';
import { IsolatedPipeline, waitFor } from '../support/isolated-pipeline';
import { uniqueName } from '../support/stack-addresses';
import { DEFAULT_CASSANDRA_CREDENTIALS } from '../../src/dev/stack/services/cassandra';
import { kafkaNodePorts } from '../../src/dev/stack/services/kafka';
import { loadStackSettings } from '../../src/dev/stack/settings';
import { stackStopService, stackUp } from '../../src/dev/stack/stack';
import { settle } from '../support/faults';
import { checkInvariant, expectInvariant } from '../support/invariant';
import { runPipeline } from '../support/run-command';
import { WorkerProcess } from '../support/worker-process';

/** Every string in a protobuf object, with byte fields (payload data) decoded as UTF-8. */
function textOf(value: unknown, out: string[] = []): string[] {
  if (value instanceof Uint8Array) out.push(Buffer.from(value).toString('utf8'));
  else if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) textOf(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) textOf(v, out);
  return out;
}

/**
 * The pipeline with credentials for every server: Cassandra with PasswordAuthenticator (a role of its
 * own), Kafka over the SASL/PLAIN listener, an API key sent to Temporal. Known secret values must
 * show up nowhere: logs, `pipeline status`, workflow or activity payloads.
 */
describe('security: credentials from the environment, and secrets that never leak', () => {
  const shared = loadStackSettings();
  const withAuth = loadStackSettings({ ...process.env, STACK_CASSANDRA_AUTH: 'password' });
  const quiet = () => undefined;
  const cassandraSecret = `cass-${randomBytes(9).toString('base64url')}`;
  const apiKey = `tmprl-${randomBytes(12).toString('base64url')}`;
  const role = uniqueName('pipeline_role').toLowerCase();
  let pipeline: IsolatedPipeline;
  let env: Record<string, string>;

  beforeAll(async () => {
    await stackStopService(shared, 'cassandra');
    await stackUp(withAuth, quiet, { only: ['cassandra'] });
    const admin = new Client({
      contactPoints: [`127.0.0.1:${shared.cassandra.port}`],
      localDataCenter: 'datacenter1',
      authProvider: new auth.PlainTextAuthProvider(DEFAULT_CASSANDRA_CREDENTIALS.username, DEFAULT_CASSANDRA_CREDENTIALS.password),
    });
    await admin.execute(`CREATE ROLE ${role} WITH PASSWORD = '${cassandraSecret}' AND LOGIN = true`);
    await admin.execute(`GRANT ALL PERMISSIONS ON ALL KEYSPACES TO ${role}`);
    await admin.shutdown();
    const secrets = {
      KAFKA_BROKERS: `127.0.0.1:${kafkaNodePorts(shared, 1).saslPort}`,
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: shared.kafka.saslUsername,
      KAFKA_SASL_PASSWORD: shared.kafka.saslPassword,
      CASSANDRA_USERNAME: role,
      CASSANDRA_PASSWORD: cassandraSecret,
      TEMPORAL_API_KEY: apiKey,
      TEMPORAL_TLS: 'false',
    };
    pipeline = await IsolatedPipeline.create({ ...secrets, SCHEDULE_INTERVAL: '1s', USERS_PER_SLOT: '5' });
    await pipeline.prepare();
    env = { ...pipeline.workerEnv(), ...secrets };
  }, 300_000);

  afterAll(async () => {
    await pipeline?.close();
    await stackStopService(shared, 'cassandra');
    await stackUp(shared, quiet);
  }, 300_000);

  const secretValues = () => [cassandraSecret, apiKey, shared.kafka.saslPassword];

  it('runs end to end with SASL Kafka, a Cassandra role and a Temporal API key, and no secret shows anywhere', async () => {
    const ingest = await WorkerProcess.start('ingest', env);
    const consumer = await WorkerProcess.start('sink', env);
    await pipeline.schedule().unpause('started by the test');
    await waitFor('rows through the authenticated servers', async () => (await pipeline.cassandraIds()).length >= 20, 60_000, 300);
    const slots = await settle(pipeline);
    expectInvariant('security-authenticated-run', await checkInvariant(pipeline), { slots });

    const status = await runPipeline(['status'], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/rows/i);
    const histories: string[] = [];
    for (const type of ['ingestSlot', 'writeBatch']) {
      const queue = type === 'ingestSlot' ? pipeline.config.temporal.ingestTaskQueue : pipeline.config.temporal.sinkTaskQueue;
      for await (const execution of pipeline.temporal.workflow.list({ query: `WorkflowType = '${type}' AND TaskQueue = '${queue}'` })) {
        histories.push(...textOf(await pipeline.temporal.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory()));
      }
    }
    expect(ingest.crashed || consumer.crashed).toBe(false);
    expect(await ingest.stop()).toBe(0);
    expect(await consumer.stop()).toBe(0);
    const places = { workerLogs: [...ingest.lines, ...consumer.lines].join('\n'), status: status.stdout + status.stderr, histories: histories.join('\n') };
    expect(places.histories).toContain(pipeline.config.kafka.topic); // the histories were really read
    for (const [place, text] of Object.entries(places)) {
      for (const secret of secretValues()) expect({ place, leaks: text.includes(secret) }).toEqual({ place, leaks: false });
    }
  });

  it.each([
    ['CASSANDRA_PASSWORD', 'sink', /^error: Cassandra at \S+ rejected the credentials \(check CASSANDRA_USERNAME and CASSANDRA_PASSWORD\)/],
    ['KAFKA_SASL_PASSWORD', 'ingest', /^error: Kafka at \S+ rejected the SASL credentials/],
  ] as const)('a wrong %s stops the %s worker at start with one clear line, without retrying', async (variable, kind, reason) => {
    const wrong = `wrong-${randomBytes(6).toString('hex')}`;
    const started = Date.now();
    const worker = await WorkerProcess.spawn(kind, { ...env, [variable]: wrong });
    const exit = await worker.waitForExit(60_000);
    const seconds = (Date.now() - started) / 1000;
    expect(exit.code).toBe(1);
    const errors = worker.lines.filter((line) => line.startsWith('error:'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(reason);
    expect(worker.lines.join('\n')).not.toContain(wrong);
    expect(worker.lines.filter((line) => line.trim() !== '')).toEqual(errors);
    expect(seconds).toBeLessThan(30); // not a storm of retries: it gives up at once
  });
});
