import fs from 'node:fs';
import path from 'node:path';
import { IsolatedPipeline, sleep, waitFor } from '../support/isolated-pipeline';
import { kafkaBootstrap } from '../../src/dev/stack/services/kafka';
import { loadStackSettings } from '../../src/dev/stack/settings';
import { stackDown, stackStopService, stackUp } from '../../src/dev/stack/stack';
import { settle } from '../support/faults';
import { checkInvariant, expectInvariant } from '../support/invariant';
import { WorkerProcess } from '../support/worker-process';

/** Fault 6: a three-broker Kafka of its own (the STACK_KAFKA_BROKERS=3 option), one broker killed for a while. */
describe('fault: one broker of a three-broker Kafka killed with SIGKILL', () => {
  const shared = loadStackSettings();
  const settings = loadStackSettings({
    ...process.env,
    STACK_DIR: path.join(shared.dataDir, 'three-brokers'),
    STACK_KAFKA_BROKERS: '3',
    STACK_KAFKA_PORT: '19092',
    STACK_KAFKA_CONTROLLER_PORT: '19093',
    STACK_KAFKA_SASL_PORT: '19094',
    // Plaintext only: the shared stack's TLS listeners hold the default TLS ports.
    STACK_TLS: '0',
  });
  const quiet = () => undefined;
  let pipeline: IsolatedPipeline;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    await stackUp(settings, quiet, { only: ['kafka'] });
    pipeline = await IsolatedPipeline.create({ KAFKA_BROKERS: kafkaBootstrap(settings).join(','), KAFKA_REPLICATION_FACTOR: '3', SCHEDULE_INTERVAL: '1s', USERS_PER_SLOT: '20', BATCH_MAX_WAIT: '100ms' });
    await pipeline.prepare();
    workers.push(await WorkerProcess.start('ingest', pipeline.workerEnv()), await WorkerProcess.start('sink', pipeline.workerEnv()));
  }, 300_000);

  afterAll(async () => {
    for (const worker of workers) await worker.stop().catch(() => undefined);
    await pipeline?.close().catch(() => undefined);
    await stackDown(settings, { purge: false, only: ['kafka'] }, quiet);
    fs.rmSync(settings.dataDir, { recursive: true, force: true });
  }, 300_000);

  it('the topic is replicated 3 times with min.insync.replicas=2; producing and consuming go on while a broker is down; nothing lost', async () => {
    const admin = pipeline.kafka.admin();
    await admin.connect();
    const [topic] = (await admin.fetchTopicMetadata({ topics: [pipeline.config.kafka.topic] })).topics;
    expect(topic!.partitions.every((p) => p.replicas.length === 3)).toBe(true);
    const configs = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: pipeline.config.kafka.topic, configNames: ['min.insync.replicas'] }] });
    expect(configs.resources[0]!.configEntries[0]!.configValue).toBe('2');
    await admin.disconnect();

    await pipeline.schedule().unpause('started by the test');
    await waitFor('rows before the crash', async () => (await pipeline.cassandraIds()).length >= 40, 60_000, 300);
    const inFlightAtKill = await pipeline.lag();
    await stackStopService(settings, 'kafka-2', { kill: true });
    const rowsAtKill = (await pipeline.cassandraIds()).length;
    // With two of three replicas in sync, writes at acks=all still succeed: rows keep arriving.
    await waitFor('rows written while the broker is down', async () => (await pipeline.cassandraIds()).length >= rowsAtKill + 100, 60_000, 500);
    await sleep(5000);
    const rowsWhileDown = (await pipeline.cassandraIds()).length - rowsAtKill;
    await stackUp(settings, quiet, { only: ['kafka-2'] });
    await sleep(3000);
    const slots = await settle(pipeline);

    expectInvariant('6-one-of-three-brokers-kill9', await checkInvariant(pipeline), { slots, inFlightAtKill, rowsAtKill, rowsWrittenWhileBrokerDown: rowsWhileDown });
    for (const worker of workers) expect(worker.crashed).toBe(false);
  });
});
