import { Worker } from '@temporalio/worker';
import { withHeartbeats } from '../../src/activities/heartbeats';
import { createSinkActivities } from '../../src/activities/sink/write-rows';
import type { BatchRef } from '../../src/contracts/sink';
import { BatchHandoff } from '../../src/sink/batch-handoff';
import { startBatchConsumer, type RunningBatchConsumer } from '../../src/sink/consume-batches';
import { connectTemporal } from '../../src/pipeline/clients';
import { runWorker } from '../../src/workers/run-worker';
import { IsolatedPipeline, waitFor } from '../support/isolated-pipeline';
import { uniqueName } from '../support/stack-addresses';
import { publish, versionedUsers } from '../support/versions';

describe('sink: a batch written by its own process is committed without waiting for Temporal', () => {
  let pipeline: IsolatedPipeline;
  let consumer: RunningBatchConsumer | undefined;
  const running: { stop(): Promise<void> }[] = [];
  // Opened by the test once it has seen the commits, and by afterAll if it failed before.
  let openGate: () => void = () => undefined;

  beforeAll(async () => {
    pipeline = await IsolatedPipeline.create({ KAFKA_TOPIC_PARTITIONS: '1', BATCH_MAX_WAIT: '100ms' });
    await pipeline.prepare();
  });

  afterAll(async () => {
    openGate();
    await consumer?.stop().catch(() => undefined);
    for (const worker of running.reverse()) await worker.stop().catch(() => undefined);
    await pipeline?.close();
  }, 120_000);

  it('commits the offsets once the rows are in Cassandra, while the workflow still waits for its activity to report, and the workflow then completes', async () => {
    const { config } = pipeline;
    const users = versionedUsers('commit-on-write', 40);
    await publish(pipeline, users);

    // The holder's activity writes the rows for real, then holds back its completion until the gate
    // opens: Temporal does not know the rows are written, only the process does.
    const temporal = await connectTemporal(config.temporal);
    running.push({ stop: () => temporal.connection.close() });
    const handoff = new BatchHandoff();
    const holderTaskQueue = uniqueName('holder');
    const sink = createSinkActivities({ cassandra: pipeline.cassandra, settings: { ...config.cassandra, writeConcurrency: 8 }, handoff, readRange: async () => [] });
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const batches: string[] = [];
    const holder = await Worker.create({
      connection: temporal.connection,
      namespace: config.temporal.namespace,
      taskQueue: holderTaskQueue,
      activities: withHeartbeats({
        ...sink,
        async writeRows(ref: BatchRef) {
          batches.push(ref.batchId);
          const written = await sink.writeRows(ref);
          await gate;
          return written;
        },
      }),
    });
    running.push(runWorker(holder));
    const workflows = await Worker.create({
      connection: temporal.connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.sinkTaskQueue,
      workflowsPath: require.resolve('../../src/workflows'),
      activities: sink,
    });
    running.push(runWorker(workflows));

    consumer = await startBatchConsumer({ kafka: pipeline.kafka, temporal: pipeline.temporal, handoff, holderTaskQueue, config, log: () => undefined });
    await pipeline.waitForDrain(60_000);

    // Every offset is committed and every row readable, and not one batch's workflow has completed.
    const ids = new Set(await pipeline.cassandraIds());
    expect(users.filter((u) => !ids.has(u.id))).toEqual([]);
    expect(batches.length).toBeGreaterThan(0);
    for (const batchId of batches) {
      expect((await pipeline.temporal.workflow.getHandle(batchId).describe()).status.name).toBe('RUNNING');
    }

    // Temporal still records each batch: once the activity reports, its workflow completes with the write.
    openGate();
    let written = 0;
    for (const batchId of new Set(batches)) {
      const result = (await pipeline.temporal.workflow.getHandle(batchId).result()) as { written: number };
      written += result.written;
    }
    expect(written).toBe(users.length);
    await waitFor('the holder to have no batch held', async () => handoff.size === 0, 10_000, 100);
  });
});
