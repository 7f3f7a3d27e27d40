import { Client, Connection } from '@temporalio/client';
import { ensureSchedule } from '../../src/schedule/ensure-schedule';
import { stackAddresses, uniqueName } from '../support/stack-addresses';

describe('slot schedule at start', () => {
  let connection: Connection;
  let client: Client;
  const scheduleId = uniqueName('ensure');
  const settings = { scheduleId, intervalMs: 10_000, usersPerSlot: 1, taskQueue: uniqueName('no-worker') };

  beforeAll(async () => {
    connection = await Connection.connect({ address: stackAddresses().temporal });
    client = new Client({ connection });
  });

  afterAll(async () => {
    await client.schedule.getHandle(scheduleId).delete().catch(() => undefined);
    await connection.close();
  });

  it('is created once, left alone when unchanged, and updated without unpausing what an operator paused', async () => {
    expect(await ensureSchedule(client, settings)).toBe('created');
    expect(await ensureSchedule(client, settings)).toBe('unchanged');

    const handle = client.schedule.getHandle(scheduleId);
    await handle.pause('operator: maintenance window');
    expect(await ensureSchedule(client, { ...settings, intervalMs: 5000, usersPerSlot: 7 })).toBe('updated');

    const description = await handle.describe();
    expect(description.state.paused).toBe(true);
    expect(description.state.note).toBe('operator: maintenance window');
    expect(Number(description.spec.intervals?.[0]?.every)).toBe(5000);
    expect(description.action.type === 'startWorkflow' && description.action.args).toEqual([{ scheduleId, usersPerSlot: 7 }]);

    let count = 0;
    for await (const s of client.schedule.list()) if (s.scheduleId === scheduleId) count++;
    expect(count).toBe(1);
  });
});
