import { AssignerProtocol } from 'kafkajs';
import { fetchApiUsers } from '../support/api-users';
import { createSourceClient } from '../../src/source/client';
import { toUserRecord } from '../../src/record/user-record';
import { IsolatedPipeline, waitFor } from '../support/isolated-pipeline';

describe('pipeline: several sink workers', () => {
  let pipeline: IsolatedPipeline;

  beforeAll(async () => {
    pipeline = await IsolatedPipeline.create({ KAFKA_TOPIC_PARTITIONS: '6' });
    await pipeline.prepare();
  });

  afterAll(async () => {
    await pipeline?.close();
  });

  it('share the partitions of the group between them, and together write every record once', async () => {
    const first = await pipeline.startSink();
    const second = await pipeline.startSink();
    // Each worker runs SINK_CONSUMERS group members (3 by default): 2 workers, 6 members, 6 partitions.
    const consumersPerWorker = pipeline.config.batch.consumers;
    expect(consumersPerWorker).toBe(3);
    const admin = pipeline.kafka.admin();
    await admin.connect();
    const assignment = await waitFor('every consumer of both workers to get partitions', async () => {
      const { groups } = await admin.describeGroups([pipeline.config.kafka.consumerGroup]);
      const members = groups[0]?.members ?? [];
      if (groups[0]?.state !== 'Stable' || members.length !== 2 * consumersPerWorker) return undefined;
      return members.map((m) => (m.memberAssignment.length > 0 ? AssignerProtocol.MemberAssignment.decode(m.memberAssignment)!.assignment[pipeline.config.kafka.topic] ?? [] : []));
    }, 60_000, 500);
    await admin.disconnect();
    expect(assignment).toHaveLength(2 * consumersPerWorker);
    for (const partitions of assignment) expect(partitions.length).toBeGreaterThan(0);
    expect(assignment.flat().sort()).toEqual([0, 1, 2, 3, 4, 5]);

    const source = createSourceClient({ url: pipeline.config.source.url!, timeoutMs: 5000, maxResponseBytes: 5_000_000 });
    const now = new Date();
    const records = (await fetchApiUsers(source, { results: 120, seed: 'scaling', page: 1 })).map((u) => toUserRecord(u, { slotTime: now, fetchedAt: now }));
    const producer = pipeline.kafka.producer();
    await producer.connect();
    await producer.send({ topic: pipeline.config.kafka.topic, messages: records.map((r) => ({ key: r.id, value: JSON.stringify(r) })) });
    await producer.disconnect();

    await pipeline.waitForDrain();
    expect(first.counters.rowsWritten).toBeGreaterThan(0);
    expect(second.counters.rowsWritten).toBeGreaterThan(0);
    expect(first.counters.rowsWritten + second.counters.rowsWritten).toBe(records.length);
    const ids = await pipeline.cassandraIds();
    expect(ids.sort()).toEqual(records.map((r) => r.id).sort());
  });
});
