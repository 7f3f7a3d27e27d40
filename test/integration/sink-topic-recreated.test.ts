import { IsolatedPipeline, waitFor } from '../support/isolated-pipeline';
import { parseBatchWorkflowId } from '../../src/sink/batch-id';
import { checkLastVersionWins, publish, recordFigures, versionedUsers, versionOf } from '../support/versions';

/**
 * "No batch skipped across topic lifetimes": a topic drained, deleted and created again under the same
 * name gets records at offsets that already-written batches covered. Each of them is written: new keys,
 * and new versions of keys the first lifetime wrote.
 */
describe('sink: a recreated topic', () => {
  let pipeline: IsolatedPipeline;

  beforeAll(async () => {
    pipeline = await IsolatedPipeline.create({ KAFKA_TOPIC_PARTITIONS: '1', BATCH_MAX_RECORDS: '100' });
    await pipeline.prepare();
  });

  afterAll(async () => {
    await pipeline?.close();
  }, 120_000);

  const batchRanges = async () => {
    const ranges = new Map<string, string>();
    for await (const e of pipeline.temporal.workflow.list({ query: `WorkflowType = 'writeBatch' AND TaskQueue = '${pipeline.config.temporal.sinkTaskQueue}'` })) {
      const at = parseBatchWorkflowId(e.workflowId);
      if (at) ranges.set(e.workflowId, `${at.partition}:${at.firstOffset}-${at.lastOffset}`);
    }
    return ranges;
  };

  it('has every record of its new lifetime written, though their offsets collide with written batches', async () => {
    const { topic } = pipeline.config.kafka;
    const old = versionedUsers('recreated-old', 300);
    await pipeline.startSink();
    await publish(pipeline, old.map((u) => versionOf(u, 1)));
    await pipeline.waitForDrain();
    expect((await pipeline.cassandraIds()).length).toBe(300);
    const firstLifetime = await batchRanges();
    await pipeline.stopSinks();

    const admin = pipeline.kafka.admin();
    await admin.connect();
    try {
      await admin.deleteTopics({ topics: [topic] });
      await waitFor('the topic to be gone', async () => !(await admin.listTopics()).includes(topic), 60_000, 200);
      await waitFor('the topic to be created again', async () => admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true }).then(() => true), 60_000, 500);
    } finally {
      await admin.disconnect();
    }
    // Offsets 0..299 again: new versions of half the old keys, and as many new keys.
    const fresh = versionedUsers('recreated-new', 150);
    await publish(pipeline, [...old.slice(0, 150).map((u) => versionOf(u, 2)), ...fresh.map((u) => versionOf(u, 1))]);
    await pipeline.startSink();
    await pipeline.waitForDrain();

    const all = await batchRanges();
    const secondLifetime = [...all].filter(([id]) => !firstLifetime.has(id)).map(([, range]) => range);
    const collisions = secondLifetime.filter((range) => [...firstLifetime.values()].includes(range));
    const report = await checkLastVersionWins(pipeline);
    const ids = new Set(await pipeline.cassandraIds());
    const untouched = (await pipeline.cassandra.execute(
      `SELECT id, full_name FROM ${pipeline.config.cassandra.keyspace}.${pipeline.config.cassandra.table} WHERE id IN ?`, [old.slice(150).map((u) => u.id)], { prepare: true },
    )).rows;
    recordFigures('topic-recreated', { firstLifetimeBatches: firstLifetime.size, secondLifetimeBatches: secondLifetime.length, collidingRanges: collisions, ...report });

    expect(report).toMatchObject({ keys: 300, missing: 0, stale: 0 });
    expect(collisions.length).toBeGreaterThan(0); // the case under test: a batch of the same offsets was written before
    expect(ids.size).toBe(450);
    expect(untouched.map((r) => r.get('full_name')).sort()).toEqual(old.slice(150).map((u) => versionOf(u, 1).full_name).sort());
  });
});
