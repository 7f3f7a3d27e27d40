import { NativeConnection, Worker } from '@temporalio/worker';
import { IsolatedPipeline, sleep } from '../support/isolated-pipeline';
import { runPipeline } from '../support/run-command';

/** `pipeline audit` says when it could not audit: exit 3 when a slot is not auditable and none mismatched. */
describe('pipeline audit: slots it cannot audit', () => {
  let pipeline: IsolatedPipeline;
  const unaudited = '2026-02-01T00:00:00.000Z';
  const failed = '2026-02-01T00:00:01.000Z';

  beforeAll(async () => {
    pipeline = await IsolatedPipeline.create();
    await pipeline.prepare();
    // Slots run by an older release of the slot workflow: one completed without recording ids, one failed.
    const connection = await NativeConnection.connect({ address: pipeline.config.temporal.address });
    try {
      const worker = await Worker.create({ connection, taskQueue: pipeline.config.temporal.ingestTaskQueue, workflowsPath: require.resolve('../fixtures/ingest-slot-without-ids') });
      const run = (slotTime: string, usersPerSlot: number) => pipeline.temporal.workflow.execute('ingestSlot', {
        taskQueue: pipeline.config.temporal.ingestTaskQueue,
        workflowId: `${pipeline.config.schedule.id}-${slotTime}`,
        args: [{ scheduleId: pipeline.config.schedule.id, usersPerSlot, slotTime }],
      });
      await worker.runUntil(async () => {
        await run(unaudited, 3);
        await expect(run(failed, 0)).rejects.toThrow();
      });
    } finally {
      await connection.close();
    }
    await sleep(1500); // past --settle
  }, 180_000);

  afterAll(async () => {
    await pipeline?.close();
  }, 120_000);

  it('exits 3 and names the count when a slot is not auditable and none mismatched', async () => {
    const result = await runPipeline(['audit', '--from', unaudited, '--to', unaudited, '--settle', '1s'], pipeline.commandEnv());
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 3, stderr: '' });
    expect(result.stdout.trim()).toMatch(/: 1 slot\(s\), 0 reconciled, 0 mismatched, 1 not auditable; /);
    const json = await runPipeline(['audit', '--from', unaudited, '--to', unaudited, '--settle', '1s', '--json'], pipeline.commandEnv());
    expect(json.code).toBe(3);
    expect(JSON.parse(json.stdout)).toMatchObject({ slots: 1, unaudited: 1, mismatched: [] });
  });

  it('exits 1 when a slot mismatched, whatever else could not be audited', async () => {
    const result = await runPipeline(['audit', '--from', unaudited, '--to', failed, '--settle', '1s'], pipeline.commandEnv());
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 1, stderr: '' });
    expect(result.stdout).toContain(`slot ${failed} (${pipeline.config.schedule.id}-${failed}): failed, its users never reached Kafka`);
    expect(result.stdout.trim().split('\n').pop()).toMatch(/: 2 slot\(s\), 0 reconciled, 1 mismatched, 1 not auditable; /);
  });

  it('lists its exit codes in --help', async () => {
    const help = await runPipeline(['audit', '--help'], pipeline.commandEnv());
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/exit codes: 0 .*, 1 a slot mismatched .*\n.*2 wrong command line, 3 none mismatched but a slot is not auditable/);
  });
});
