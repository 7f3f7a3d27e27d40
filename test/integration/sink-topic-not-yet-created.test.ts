import { applySchema } from '../../src/cassandra/apply-schema';
import { ensureTopics } from '../../src/kafka/ensure-topics';
import { IsolatedPipeline, sleep, waitFor } from '../support/isolated-pipeline';
import { publish, versionedUsers } from '../support/versions';

/**
 * A sink worker started before anything created its topic (a deployment whose prepare job runs late,
 * or `npm start` preparing beside it; the broker creates no topic on its own) waits for the topic, says
 * so, and consumes it once it exists, instead of exiting on "This server does not host this topic-partition".
 */
describe('a sink started before its topic exists', () => {
  let pipeline: IsolatedPipeline;

  beforeAll(async () => {
    pipeline = await IsolatedPipeline.create({ BATCH_MAX_WAIT: '100ms' });
    await applySchema(pipeline.cassandra, pipeline.config.cassandra);
  });

  afterAll(async () => {
    await pipeline?.close();
  }, 120_000);

  it('waits with one line, then writes what is published once the topic is created', async () => {
    const lines: string[] = [];
    const starting = pipeline.startSink(undefined, { log: (line) => lines.push(line) });
    await sleep(4000);
    expect(lines.filter((l) => l.startsWith(`waiting for topic ${pipeline.config.kafka.topic}: it does not exist yet`))).toHaveLength(1);
    const admin = pipeline.kafka.admin();
    await admin.connect();
    await ensureTopics(admin, pipeline.config.kafka);
    await admin.disconnect();
    const { worker } = await starting;
    expect(lines.some((l) => l.startsWith(`topic ${pipeline.config.kafka.topic} is ready`))).toBe(true);
    const users = versionedUsers('topic-not-yet-created', 30);
    await publish(pipeline, users);
    await waitFor('every published user as a row', async () => (await pipeline.cassandraIds()).length === users.length, 60_000, 300);
    let exited = false;
    void worker.done.then(() => (exited = true), () => (exited = true));
    expect(exited).toBe(false);
  });
});
