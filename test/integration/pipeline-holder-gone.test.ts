import { toUserRecord } from '../../src/record/user-record';
import { generateUsers } from '../../src/dev/fake-source/generator';
import { IsolatedPipeline } from '../support/isolated-pipeline';
import { uniqueName } from '../support/stack-addresses';

describe('pipeline: a batch whose consumer process went away', () => {
  let pipeline: IsolatedPipeline;

  beforeAll(async () => {
    pipeline = await IsolatedPipeline.create();
    await pipeline.prepare();
    await pipeline.startWorkers();
  });

  afterAll(async () => {
    await pipeline?.close();
  });

  it('is written by another sink worker, which re-reads its offsets from Kafka', async () => {
    // Records on a topic of their own, so only the batch workflow below can write them.
    const topic = uniqueName('orphan');
    const admin = pipeline.kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const now = new Date();
    const records = generateUsers({ seed: 'orphan', page: 1, results: 12 }).map((u) => toUserRecord(u, { slotTime: now, fetchedAt: now }));
    const producer = pipeline.kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: records.map((r) => ({ key: r.id, value: JSON.stringify(r) })) });
    await producer.disconnect();

    try {
      const batchId = `batch-${topic}-p0-0-11`;
      const handle = await pipeline.temporal.workflow.start('writeBatch', {
        taskQueue: pipeline.config.temporal.sinkTaskQueue,
        workflowId: batchId,
        // The holder's queue has no worker, as after a crash of the process that cut the batch.
        args: [{ batchId, topic, partition: 0, firstOffset: '0', lastOffset: '11', rowCount: 12, holderTaskQueue: uniqueName('gone') }],
      });
      expect(await handle.result()).toMatchObject({ written: 12, topic, partition: 0 });

      const ids = new Set(await pipeline.cassandraIds());
      for (const r of records) expect(ids.has(r.id)).toBe(true);
      const history = await handle.fetchHistory();
      const scheduled = (history.events ?? []).flatMap((e) => (e.activityTaskScheduledEventAttributes?.activityType?.name ? [e.activityTaskScheduledEventAttributes.activityType.name] : []));
      expect(scheduled).toEqual(['writeRows', 'writeRowsFromKafka']);
    } finally {
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  });
});
