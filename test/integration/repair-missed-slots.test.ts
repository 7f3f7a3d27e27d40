import { IsolatedPipeline, waitFor } from '../support/isolated-pipeline';
import { slotWorkflowId } from '../../src/schedule/run-slots';
import type { IngestSlotInput } from '../../src/contracts/ingest';
import { runPipeline } from '../support/run-command';

/** Slots that timed out are counted by `pipeline status`, and the command it prints runs them again. */
describe('timed-out slots', () => {
  let pipeline: IsolatedPipeline;

  beforeAll(async () => {
    pipeline = await IsolatedPipeline.create({ SCHEDULE_INTERVAL: '10s', USERS_PER_SLOT: '2' });
    await pipeline.prepare();
  });

  afterAll(async () => {
    await pipeline?.close();
  });

  it('are counted with their range, and repaired by the backfill `pipeline status` names', async () => {
    const { id } = pipeline.config.schedule;
    // Two slots that ran out of time while no worker polled (as with the earlier 5-minute timeout).
    const slots = [new Date('2026-11-30T08:00:00Z'), new Date('2026-11-30T08:00:10Z')];
    for (const slot of slots) {
      const input: IngestSlotInput = { scheduleId: id, usersPerSlot: 2, slotTime: slot.toISOString() };
      await pipeline.temporal.workflow.start('ingestSlot', { taskQueue: pipeline.config.temporal.ingestTaskQueue, workflowId: slotWorkflowId(id, slot), args: [input], workflowExecutionTimeout: '1 second' });
    }
    const query = `WorkflowType = 'ingestSlot' AND TaskQueue = '${pipeline.config.temporal.ingestTaskQueue}' AND ExecutionStatus = 'TimedOut'`;
    await waitFor('both slots to time out', async () => (await pipeline.temporal.workflow.count(query)).count === 2, 30_000, 500);
    await pipeline.startWorkers();

    const env = pipeline.commandEnv();
    const status = await runPipeline(['status'], env);
    expect(status.stdout).toMatch(/2 slot\(s\) timed out or failed, from .* to .*; runs them again:/);
    const command = /npx pipeline (schedule backfill --from \S+ --to \S+)/.exec(status.stdout)![1]!.split(' ');
    expect(command).toEqual(['schedule', 'backfill', '--from', '2026-11-30T08:00:00.000Z', '--to', '2026-11-30T08:00:10.000Z']);
    const repaired = await runPipeline(command, env);
    expect(repaired.stdout).toMatch(/backfill done: 2\/2 slots completed/);
    for (const slot of slots) {
      const described = await pipeline.temporal.workflow.getHandle(slotWorkflowId(id, slot)).describe();
      expect(described.status.name).toBe('COMPLETED');
    }
    await pipeline.waitForDrain();
    expect((await pipeline.cassandraIds()).length).toBe(4);
    expect((await runPipeline(['status'], env)).stdout).not.toMatch(/timed out or failed/);
  });
});
