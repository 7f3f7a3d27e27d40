import { loadStackSettings } from '../../src/stack/settings';
import { stackStopService, stackUp } from '../../src/stack/stack';
import { IsolatedPipeline, sleep, waitFor } from '../../src/bench/isolated-pipeline';

describe('pipeline: Cassandra down for ~20 s in the middle of a run', () => {
  let pipeline: IsolatedPipeline;
  const settings = loadStackSettings();

  beforeAll(async () => {
    pipeline = await IsolatedPipeline.create({ SCHEDULE_INTERVAL: '1s', USERS_PER_SLOT: '2' });
    await pipeline.prepare();
    await pipeline.startWorkers();
  });

  afterAll(async () => {
    await stackUp(settings, () => undefined); // never leave the shared stack without Cassandra
    await pipeline?.close();
  }, 300_000);

  it('loses nothing, doubles nothing, and the batch history shows the failed attempts', async () => {
    await pipeline.schedule().unpause('started by the test');
    await waitFor('rows before the outage', async () => (await pipeline.cassandraIds()).length >= 4, 30_000, 300);

    await stackStopService(settings, 'cassandra');
    const downAt = Date.now();
    await waitFor('slots published during the outage', async () => pipeline.counters.usersPublished >= pipeline.counters.rowsWritten + 4, 30_000, 300);
    const writtenWhileDown = pipeline.counters.rowsWritten;
    await sleep(Math.max(0, 20_000 - (Date.now() - downAt)));
    // Nothing was acknowledged while Cassandra was away, so nothing was committed either.
    expect(pipeline.counters.rowsWritten).toBe(writtenWhileDown);
    expect(await pipeline.lag()).toBeGreaterThan(0);
    await stackUp(settings, () => undefined);

    await sleep(3000);
    await pipeline.schedule().pause('stopped by the test');
    const taken = (await pipeline.schedule().describe()).info.numActionsTaken;
    await pipeline.waitForSlots(taken);
    await pipeline.waitForDrain(180_000);

    const topicIds = new Set((await pipeline.readTopic(pipeline.config.kafka.topic)).map((m) => m.key));
    const ids = await pipeline.cassandraIds();
    expect(ids).toHaveLength(new Set(ids).size);
    expect(new Set(ids)).toEqual(topicIds);
    expect(ids.length).toBe(2 * taken);

    // Some batch waited through the outage: its activity ran more than once, with the last failure recorded.
    const batches = pipeline.temporal.workflow.list({ query: `WorkflowType = 'writeBatch' AND TaskQueue = '${pipeline.config.temporal.sinkTaskQueue}'` });
    let retried: { workflowId: string; attempt: number; lastFailure: string } | undefined;
    for await (const execution of batches) {
      const history = await pipeline.temporal.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
      for (const event of history.events ?? []) {
        const started = event.activityTaskStartedEventAttributes;
        if (started && (started.attempt ?? 1) > 1) {
          retried = { workflowId: execution.workflowId, attempt: started.attempt!, lastFailure: started.lastFailure?.message ?? '' };
        }
      }
      if (retried) break;
    }
    expect(retried).toBeDefined();
    expect(retried!.attempt).toBeGreaterThan(1);
    expect(retried!.lastFailure).not.toBe('');
  });
});
