import { IsolatedPipeline, sleep, waitFor } from '../support/isolated-pipeline';
import { checkInvariant, expectInvariant } from '../support/invariant';
import { retriedActivities, runningWorkflow, settle } from '../support/faults';
import { WorkerFleet } from '../support/worker-fleet';

describe('fault: a worker process killed with SIGKILL', () => {
  let pipeline: IsolatedPipeline;
  const fleet = new WorkerFleet(() => pipeline.workerEnv());
  const start = (kind: 'ingest' | 'sink') => fleet.start(kind);
  const workers = fleet.processes;

  beforeAll(async () => {
    // A slow source (0.8 s per answer) keeps each slot running long enough to be caught mid-way.
    pipeline = await IsolatedPipeline.create({ SCHEDULE_INTERVAL: '1s', USERS_PER_SLOT: '40', BATCH_MAX_RECORDS: '25', BATCH_MAX_WAIT: '100ms' }, { sourceDelayMs: 800 });
    await pipeline.prepare();
    await start('ingest');
    await start('sink');
  });
  const live = (kind: 'ingest' | 'sink') => fleet.live(kind);

  afterAll(async () => {
    await fleet.stopAll();
    await pipeline?.close();
  }, 120_000);

  it('1. the consumer, in the middle of a batch: the batch is finished by its restarted successor, nothing lost or doubled', async () => {
    const ingest = live('ingest');
    const consumer = live('sink');
    await pipeline.schedule().unpause('started by the test');
    await waitFor('rows before the crash', async () => (await pipeline.cassandraIds()).length >= 50, 60_000, 300);

    const rowsAtKill = (await pipeline.cassandraIds()).length;
    const batchId = await runningWorkflow(pipeline, 'writeBatch');
    await consumer.kill9();
    const inFlight = await pipeline.lag(); // read but not committed: what the successor must redo
    await sleep(3000); // slots keep being published while no consumer runs
    const successor = await start('sink');
    await sleep(3000);
    const slots = await settle(pipeline);

    const killed = await pipeline.temporal.workflow.getHandle(batchId).describe();
    expect(killed.status.name).toBe('COMPLETED');
    const report = await checkInvariant(pipeline);
    expectInvariant('1-consumer-kill9', report, { slots, killedBatch: batchId, inFlightAtKill: inFlight, rowsAtKill });
    expect(ingest.crashed).toBe(false);
    expect(successor.crashed).toBe(false);
  });

  it('2. the ingest worker, in the middle of a slot: the slot completes on the restarted worker', async () => {
    const ingest = live('ingest');
    await pipeline.schedule().unpause('started by the test');
    const rowsAtKill = (await pipeline.cassandraIds()).length;
    const slotId = await runningWorkflow(pipeline, 'ingestSlot');
    await sleep(300); // its fetch is under way: the source answers after 0.8 s
    await ingest.kill9();
    await sleep(2000);
    const successor = await start('ingest');
    await pipeline.temporal.workflow.getHandle(slotId).result();
    const retries = await retriedActivities(pipeline, slotId);
    const slots = await settle(pipeline);

    // The attempt the killed worker had started timed out on its missing heartbeats and ran again.
    expect(retries.length).toBeGreaterThan(0);
    expect(retries[0]!.lastFailure).toMatch(/heartbeat/i);
    const report = await checkInvariant(pipeline);
    expectInvariant('2-ingest-kill9', report, { slots, killedSlot: slotId, rowsAtKill });
    expect(successor.crashed).toBe(false);
    for (const worker of workers.filter((w) => w !== ingest)) expect(worker.crashed).toBe(false);
    for (const worker of workers.filter((w) => !w.exit)) expect(await worker.stop()).toBe(0);
  });
});
