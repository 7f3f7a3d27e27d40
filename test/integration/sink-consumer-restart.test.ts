import { IsolatedPipeline, waitFor } from '../support/isolated-pipeline';
import { checkInvariant, expectInvariant } from '../support/invariant';
import { settle } from '../support/faults';
import { PipelineCounters } from '../../src/metrics/pipeline-counters';
import { renderPrometheus } from '../../src/metrics/prometheus';

/**
 * A sink consumer whose batch handler throws a non-retriable error (a TypeError, injected): kafkajs
 * gives such a consumer up. The supervisor restarts it in place; past SINK_CONSUMER_RESTART_LIMIT the
 * worker's `done` rejects, which makes its process exit non-zero.
 */
describe('sink: a consumer that crashes is restarted', () => {
  let pipeline: IsolatedPipeline;

  beforeAll(async () => {
    // One consumer: if it is not restarted, nothing else consumes its partitions.
    pipeline = await IsolatedPipeline.create({ SINK_CONSUMERS: '1', SINK_CONSUMER_RESTART_LIMIT: '3/1m', SCHEDULE_INTERVAL: '1s', USERS_PER_SLOT: '5' });
    await pipeline.prepare();
    await pipeline.startIngest();
  });

  afterAll(async () => {
    await pipeline?.close();
  }, 120_000);

  it('restarted after two crashes, counted and logged; every partition is consumed, nothing lost or doubled', async () => {
    const lines: string[] = [];
    let faults = 0;
    const { worker, counters } = await pipeline.startSink(new PipelineCounters(), {
      log: (line) => lines.push(line),
      // Partition 0 only: its batches come one at a time, so each fault is a crash of its own.
      injectFault: ({ partition }) => {
        if (partition === 0 && faults < 2) {
          faults += 1;
          throw new TypeError(`injected fault ${faults}`);
        }
      },
    });
    let failed: unknown;
    worker.done.catch((error: unknown) => (failed = error));
    await pipeline.schedule().unpause('started by the test');
    await waitFor('both injected crashes', async () => faults === 2, 60_000, 200);
    await waitFor('rows after the restarts', async () => (await pipeline.cassandraIds()).length >= 40, 60_000, 300);
    const slots = await settle(pipeline);

    expect(counters.sinkConsumerRestarts).toBeGreaterThanOrEqual(2);
    expect(renderPrometheus(counters, { topic: pipeline.config.kafka.topic })).toMatch(/^pipeline_sink_consumer_restarts_total [2-9]/m);
    expect(lines.filter((line) => /sink consumer crashed \(TypeError: injected fault \d\); restarting it/.test(line))).toHaveLength(2);
    // Every partition was committed to its end (settle waits for a lag of 0): the restarted consumer holds them all.
    expect(await pipeline.lag()).toBe(0);
    expect(failed).toBeUndefined();
    expectInvariant('sink-consumer-restarted', await checkInvariant(pipeline), { slots, restarts: counters.sinkConsumerRestarts });
    await pipeline.stopSinks();
  });

  it('a consumer that keeps crashing ends the worker past SINK_CONSUMER_RESTART_LIMIT (3 in 1 min)', async () => {
    const lines: string[] = [];
    const started = Date.now();
    const { worker, counters } = await pipeline.startSink(new PipelineCounters(), {
      log: (line) => lines.push(line),
      injectFault: () => {
        throw new TypeError('injected fault, every batch');
      },
    });
    await pipeline.schedule().unpause('started by the test');
    const outcome = await Promise.race([
      worker.done.then(() => 'resolved', (error: Error) => error.message),
      new Promise<string>((resolve) => setTimeout(() => resolve('still running after 60 s'), 60_000)),
    ]);
    await pipeline.schedule().pause('stopped by the test');
    expect(outcome).toMatch(/crashed 4 times within 60 s \(SINK_CONSUMER_RESTART_LIMIT 3\); last: TypeError: injected fault, every batch/);
    expect(counters.sinkConsumerRestarts).toBe(3);
    expect(lines.filter((line) => line.startsWith('sink consumer crashed'))).toHaveLength(3);
    expect(Date.now() - started).toBeLessThan(60_000);
    await pipeline.stopSinks();
  });
});
