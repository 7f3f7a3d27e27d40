import { applySchema } from '../../src/cassandra/apply-schema';
import { IsolatedPipeline, waitFor } from '../support/isolated-pipeline';
import { createProducer } from '../../src/kafka/client';
import { DLQ_HEADER } from '../../src/kafka/dead-letter';
import { runPipeline } from '../support/run-command';
import { WorkerFleet } from '../support/worker-fleet';
import { recordFigures, versionedUsers } from '../support/versions';

interface ListedLetter {
  key: string | null;
  reason: string;
  source: string;
  copies: number;
  replays: number;
}

/**
 * A consumer killed after it produced a batch's dead letters and before it committed the batch sends
 * them again on redelivery; the DLQ topic holds two copies, and `pipeline dlq` sees each message once.
 */
describe('dead letters: each dead message listed and replayed once', () => {
  let pipeline: IsolatedPipeline;
  const fleet = new WorkerFleet(() => pipeline.workerEnv());

  beforeAll(async () => {
    pipeline = await IsolatedPipeline.create({ KAFKA_TOPIC_PARTITIONS: '1', BATCH_MAX_WAIT: '100ms' });
    await pipeline.prepare();
  });

  afterAll(async () => {
    await fleet.stopAll();
    await pipeline?.close();
  }, 120_000);

  it('after a kill between the dead letters and the commit, `dlq list` shows each once and `dlq replay` re-publishes each once', async () => {
    const { keyspace, table } = pipeline.config.cassandra;
    // Cassandra refuses the batch's rows (no table), so the batch stays unwritten and uncommitted
    // after its dead letters went out.
    await pipeline.cassandra.execute(`DROP TABLE ${keyspace}.${table}`);
    const first = await fleet.start('sink');

    const poison = ['not json {', '{"schema_version":1}', '[]', 'null'];
    const valid = versionedUsers('dead-letters-once', 5);
    const producer = createProducer(pipeline.kafka);
    await producer.connect();
    await producer.send({ topic: pipeline.config.kafka.topic, acks: -1, messages: [...poison.map((value, i) => ({ key: `poison-${i}`, value })), ...valid.map((r) => ({ key: r.id, value: JSON.stringify(r) }))] });
    await producer.disconnect();

    await waitFor('the first copies of the dead letters', async () => (await pipeline.readTopic(pipeline.config.kafka.dlqTopic)).length === poison.length, 60_000, 200);
    expect(await pipeline.lag()).toBe(poison.length + valid.length); // nothing committed
    await first.kill9();

    await applySchema(pipeline.cassandra, pipeline.config.cassandra);
    await fleet.start('sink');
    await pipeline.waitForDrain(120_000);
    const onTopic = await pipeline.readTopic(pipeline.config.kafka.dlqTopic);
    expect(onTopic).toHaveLength(2 * poison.length); // the redelivery sent them again
    expect((await pipeline.cassandraIds()).sort()).toEqual(valid.map((r) => r.id).sort());

    const env = pipeline.commandEnv();
    const listed = await runPipeline(['dlq', 'list', '--json'], env);
    expect(listed.code).toBe(0);
    const letters = JSON.parse(listed.stdout) as ListedLetter[];
    expect(letters.map((l) => l.key).sort()).toEqual(poison.map((_, i) => `poison-${i}`));
    expect(letters.map((l) => l.copies)).toEqual(poison.map(() => 2));
    const human = await runPipeline(['dlq', 'list'], env);
    expect(human.stdout).toContain(`(${poison.length} shown; ${poison.length} repeated copies of them on the topic not listed again)`);

    // A record dead-lettered twice that is valid today (e.g. refused by an older release) goes back once.
    const revived = versionedUsers('dead-letters-revived', 1)[0]!;
    const dlqProducer = createProducer(pipeline.kafka);
    await dlqProducer.connect();
    const origin = { [DLQ_HEADER.reason]: 'refused by an older release', [DLQ_HEADER.sourceTopic]: pipeline.config.kafka.topic, [DLQ_HEADER.sourcePartition]: '0', [DLQ_HEADER.sourceOffset]: '999', [DLQ_HEADER.sourceTimestamp]: '1764000000000' };
    const copy = { key: revived.id, value: JSON.stringify(revived), headers: origin };
    await dlqProducer.send({ topic: pipeline.config.kafka.dlqTopic, acks: -1, messages: [copy, copy] });
    await dlqProducer.disconnect();

    const topicBefore = (await pipeline.readTopic(pipeline.config.kafka.topic)).length;
    const replay = await runPipeline(['dlq', 'replay', '--json'], env);
    expect(replay.code).toBe(0);
    const replayed = JSON.parse(replay.stdout) as { replayed: number; stillDead: unknown[] };
    expect({ replayed: replayed.replayed, stillDead: replayed.stillDead.length }).toEqual({ replayed: 1, stillDead: poison.length });
    const dataTopic = await pipeline.readTopic(pipeline.config.kafka.topic);
    expect(dataTopic).toHaveLength(topicBefore + 1);
    expect(dataTopic.filter((m) => m.key === revived.id)).toHaveLength(1);
    await waitFor('the replayed record in Cassandra', async () => (await pipeline.cassandraIds()).includes(revived.id), 60_000, 300);

    // The still-dead ones were re-appended once each, and are listed once each.
    expect(await pipeline.readTopic(pipeline.config.kafka.dlqTopic)).toHaveLength(2 * poison.length + 2 + poison.length);
    const after = JSON.parse((await runPipeline(['dlq', 'list', '--json'], env)).stdout) as ListedLetter[];
    expect(after.map((l) => [l.key, l.copies, l.replays]).sort()).toEqual(poison.map((_, i) => [`poison-${i}`, 1, 1]));
    recordFigures('dead-letters-once', { poison: poison.length, copiesOnTopic: onTopic.length, listed: letters.length, replayed: replayed.replayed, stillDead: replayed.stillDead.length });
  });
});
