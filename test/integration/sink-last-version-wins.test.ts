import { IsolatedPipeline, sleep, waitFor } from '../support/isolated-pipeline';
import { WorkerFleet } from '../support/worker-fleet';
import { checkLastVersionWins, publish, recordFigures, versionedUsers, versionOf } from '../support/versions';

const KEYS = 500;

/**
 * "Last version wins": every key published several times in a row, drained by sink worker
 * processes that are killed and share the topic on the way, ends on its last version in Cassandra.
 * Every key's versions follow each other on the topic, the last ones too: with batches of 50 and
 * three batches of a partition in flight, versions of a key are written by the same batch and by
 * batches in flight at once, whose writes race to Cassandra.
 */
describe('sink: the last version of every key wins', () => {
  let pipeline: IsolatedPipeline;
  const fleet = new WorkerFleet(() => pipeline.workerEnv());
  const start = (env: Record<string, string> = {}) => fleet.start('sink', env);

  beforeAll(async () => {
    pipeline = await IsolatedPipeline.create({ KAFKA_TOPIC_PARTITIONS: '3', BATCH_MAX_RECORDS: '50', BATCH_MAX_WAIT: '100ms' });
    await pipeline.prepare();
  });

  afterAll(async () => {
    await fleet.stopAll();
    await pipeline?.close();
  }, 120_000);

  it('through a SIGKILL mid-drain, two consumers sharing the topic, and versions in one batch', async () => {
    const users = versionedUsers('last-version-wins', KEYS);
    // Versions 1-5 of each key, back to back, wait on the topic: the first consumer starts on a backlog.
    await publish(pipeline, users.flatMap((u) => [1, 2, 3, 4, 5].map((v) => versionOf(u, v))));

    // One consumer: a worker reports running once all its consumers have started, and with two this
    // one had written and committed the whole backlog (500 rows, lag 0) by the time it was killed.
    const first = await start({ SINK_CONSUMERS: '1' });
    await waitFor('the first rows', async () => (await pipeline.cassandraIds()).length > 0, 60_000, 20);
    await first.kill9();
    const lagAtKill = await pipeline.lag();
    const rowsAtKill = (await pipeline.cassandraIds()).length;

    // Two consumers share the partitions while versions 6 and 7 arrive, each key's two back to back.
    const [second, third] = await Promise.all([start(), start()]);
    await publish(pipeline, users.flatMap((u) => [versionOf(u, 6), versionOf(u, 7)]));
    await sleep(1500);
    expect(await third.stop()).toBe(0);
    // Versions 8-10, back to back, the last, are drained by the one left.
    await publish(pipeline, users.flatMap((u) => [8, 9, 10].map((v) => versionOf(u, v))));
    await pipeline.waitForDrain(120_000);

    const report = await checkLastVersionWins(pipeline);
    recordFigures('last-version-wins', { keysPublished: KEYS, versionsPerKey: 10, lagAtKill, rowsAtKill, ...report });
    expect(lagAtKill).toBeGreaterThan(0); // the kill came mid-drain
    expect(report).toMatchObject({ keys: KEYS, missing: 0, stale: 0 });
    expect(second.crashed).toBe(false);
    expect(third.crashed).toBe(false);
  });
});
