import { IsolatedPipeline, waitFor } from '../support/isolated-pipeline';

describe('pipeline: schedule → Kafka → Cassandra', () => {
  let pipeline: IsolatedPipeline;

  beforeAll(async () => {
    pipeline = await IsolatedPipeline.create({ SCHEDULE_INTERVAL: '1s', USERS_PER_SLOT: '3' });
    await pipeline.prepare();
    await pipeline.startWorkers();
  });

  afterAll(async () => {
    await pipeline?.close();
  });

  let slotTimes: string[] = [];
  let idsAfterFirstRun: string[] = [];

  it('runs a 1-s schedule: every slot publishes its users and Cassandra holds exactly the ids on the topic', async () => {
    await pipeline.schedule().unpause('started by the test');
    await waitFor('5 slots to start', async () => (await pipeline.schedule().describe()).info.numActionsTaken >= 5, 30_000, 200);
    await pipeline.schedule().pause('stopped by the test');
    const description = await pipeline.schedule().describe();
    const taken = description.info.numActionsTaken;
    await pipeline.waitForSlots(taken);
    await pipeline.waitForDrain();

    // Every slot's workflow completed and published its users.
    const slots = await Promise.all(
      description.info.recentActions.map(async (action) => {
        const handle = pipeline.temporal.workflow.getHandle(action.action.workflow.workflowId, action.action.workflow.firstExecutionRunId);
        return { scheduledAt: action.scheduledAt, result: await handle.result() };
      }),
    );
    expect(slots.length).toBe(taken);
    for (const slot of slots) {
      expect(slot.result).toMatchObject({ fetched: 3, published: 3, slotTime: slot.scheduledAt.toISOString() });
    }
    slotTimes = slots.map((s) => s.result.slotTime).sort();

    const onTopic = await pipeline.readTopic(pipeline.config.kafka.topic);
    const topicIds = new Set(onTopic.map((m) => m.key));
    expect(onTopic).toHaveLength(3 * taken);
    for (const m of onTopic) expect(slotTimes).toContain(m.headers['pipeline-slot-time']);

    const ids = await pipeline.cassandraIds();
    expect(ids).toHaveLength(new Set(ids).size);
    expect(new Set(ids)).toEqual(topicIds);
    expect(ids).toHaveLength(3 * taken);

    const perSlot = await pipeline.cassandra.execute(
      `SELECT slot_time FROM ${pipeline.config.cassandra.keyspace}.${pipeline.config.cassandra.table}`,
    );
    const counts = new Map<string, number>();
    for (const row of perSlot.rows) counts.set(row.get('slot_time').toISOString(), (counts.get(row.get('slot_time').toISOString()) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual(slotTimes);
    expect([...counts.values()].every((n) => n === 3)).toBe(true);
    idsAfterFirstRun = ids;
  });

  it('a backfill over slots that already ran adds no rows', async () => {
    const before = (await pipeline.schedule().describe()).info.numActionsTaken;
    const start = new Date(slotTimes[0]!);
    // Half an interval past the last slot, so the range holds exactly the slots that ran.
    const end = new Date(new Date(slotTimes[slotTimes.length - 1]!).getTime() + 500);
    await pipeline.schedule().backfill({ start, end, overlap: 'ALLOW_ALL' });
    await pipeline.waitForSlots(before + slotTimes.length);
    await pipeline.waitForDrain();
    const onTopic = await pipeline.readTopic(pipeline.config.kafka.topic);
    expect(onTopic.length).toBe(2 * 3 * slotTimes.length); // every slot published again ...
    const ids = await pipeline.cassandraIds();
    expect(ids.sort()).toEqual([...idsAfterFirstRun].sort()); // ... and not one row more
  });

  it('running one slot again by hand adds no rows', async () => {
    const slotTime = slotTimes[1]!;
    const result = await pipeline.temporal.workflow.execute('ingestSlot', {
      taskQueue: pipeline.config.temporal.ingestTaskQueue,
      workflowId: `${pipeline.config.schedule.id}-rerun-${slotTime}`,
      args: [{ scheduleId: pipeline.config.schedule.id, usersPerSlot: 3, slotTime }],
    });
    expect(result).toMatchObject({ slotTime, published: 3 });
    await pipeline.waitForDrain();
    const ids = await pipeline.cassandraIds();
    expect(ids.sort()).toEqual([...idsAfterFirstRun].sort());
  });

  it('a redelivery from the start of the topic (offsets lost) rewrites the same rows and adds none', async () => {
    await pipeline.stopSinks();
    const admin = pipeline.kafka.admin();
    await admin.connect();
    await admin.resetOffsets({ groupId: pipeline.config.kafka.consumerGroup, topic: pipeline.config.kafka.topic, earliest: true });
    await admin.disconnect();
    expect(await pipeline.lag()).toBeGreaterThan(0);

    const again = await pipeline.startSink();
    await pipeline.waitForDrain();
    // Every record on the topic was written again, but for older versions of a key in the same batch.
    expect(again.counters.rowsWritten + again.counters.versionsSuperseded).toBe((await pipeline.readTopic(pipeline.config.kafka.topic)).length);
    const ids = await pipeline.cassandraIds();
    expect(ids.sort()).toEqual([...idsAfterFirstRun].sort());
  });
});
