import { desiredSchedule, matchesSettings } from '../../src/schedule/ensure-schedule';
import type { ScheduleDescription } from '@temporalio/client';

describe('slot schedule', () => {
  const settings = { scheduleId: 'random-names', intervalMs: 10_000, usersPerSlot: 1, taskQueue: 'random-names-ingest' };

  function describedAs(options: ReturnType<typeof desiredSchedule>): ScheduleDescription {
    return {
      spec: { intervals: [{ every: (options.spec.intervals![0]!.every as number), offset: 0 }] },
      action: { ...options.action, args: options.action.type === 'startWorkflow' ? options.action.args : [], workflowExecutionTimeout: 3_600_000 },
      policies: { overlap: options.policies!.overlap, catchupWindow: 3_600_000, pauseOnFailure: false },
    } as unknown as ScheduleDescription;
  }

  it('fires ingestSlot every interval with overlapping runs allowed, a 1-hour catch-up window and slot timeout', () => {
    const options = desiredSchedule(settings);
    expect(options.spec.intervals).toEqual([{ every: 10_000 }]);
    expect(options.action).toMatchObject({ type: 'startWorkflow', workflowType: 'ingestSlot', workflowId: 'random-names', taskQueue: 'random-names-ingest', args: [{ scheduleId: 'random-names', usersPerSlot: 1 }] });
    expect(options.policies).toEqual({ overlap: 'ALLOW_ALL', catchupWindow: '1 hour' });
    expect(options.action).toMatchObject({ workflowExecutionTimeout: 3_600_000 });
    expect(desiredSchedule({ ...settings, slotTimeoutMs: 8000 }).action).toMatchObject({ workflowExecutionTimeout: 8000 });
  });

  it('is left alone when it matches, and updated when interval or users per slot changed', () => {
    const current = describedAs(desiredSchedule(settings));
    expect(matchesSettings(current, settings)).toBe(true);
    expect(matchesSettings(current, { ...settings, intervalMs: 1000 })).toBe(false);
    expect(matchesSettings(current, { ...settings, usersPerSlot: 5 })).toBe(false);
    expect(matchesSettings(current, { ...settings, taskQueue: 'other' })).toBe(false);
    // A schedule made with the earlier 5-minute timeout and catch-up window is brought up to date.
    expect(matchesSettings({ ...current, policies: { ...current.policies, catchupWindow: 300_000 } } as ScheduleDescription, settings)).toBe(false);
    expect(matchesSettings({ ...current, action: { ...current.action, workflowExecutionTimeout: 300_000 } } as ScheduleDescription, settings)).toBe(false);
  });
});
