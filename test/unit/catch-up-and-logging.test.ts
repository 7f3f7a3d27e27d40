import { ApplicationFailure } from '@temporalio/common';
import { PipelineLogger } from '../../src/logging/pipeline-logger';
import { catchUpPlan, ownPauseNote, ownPauseTime } from '../../src/downtime/catch-up';
import { slotsBetween } from '../../src/schedule/slot-times';

describe('npm start owns its schedule\'s pause', () => {
  it('recognises its own pause note and when it was written; an operator\'s note is not its own', () => {
    const at = new Date('2026-11-30T22:00:03.250Z');
    expect(ownPauseTime(ownPauseNote(at))).toEqual(at);
    expect(ownPauseTime('reindexing, back at 23:00')).toBeUndefined();
    expect(ownPauseTime(undefined)).toBeUndefined();
    expect(ownPauseTime(`maintenance; ${ownPauseNote(at)}`)).toBeUndefined();
  });

  it('plans the slots missed after the pause, up to now', () => {
    const plan = catchUpPlan({ pausedAt: new Date('2026-11-30T22:00:03Z'), now: new Date('2026-11-30T22:00:40Z'), intervalMs: 10_000, maxGapMs: 3_600_000 });
    expect(plan.slots.map((s) => s.toISOString())).toEqual(['2026-11-30T22:00:10.000Z', '2026-11-30T22:00:20.000Z', '2026-11-30T22:00:30.000Z', '2026-11-30T22:00:40.000Z']);
    expect(plan.skipped).toBeUndefined();
  });

  it('does not plan the slot that fired at the moment of the pause (it ran before the stop)', () => {
    const plan = catchUpPlan({ pausedAt: new Date('2026-11-30T22:00:00Z'), now: new Date('2026-11-30T22:00:15Z'), intervalMs: 10_000, maxGapMs: 3_600_000 });
    expect(plan.slots.map((s) => s.toISOString())).toEqual(['2026-11-30T22:00:10.000Z']);
  });

  it('keeps the newest CATCH_UP_MAX_GAP of a long gap and says what it skipped', () => {
    const plan = catchUpPlan({ pausedAt: new Date('2026-11-30T20:00:00Z'), now: new Date('2026-11-30T22:00:00Z'), intervalMs: 60_000, maxGapMs: 3_600_000 });
    expect(plan.slots).toHaveLength(61);
    expect(plan.slots[0]!.toISOString()).toBe('2026-11-30T21:00:00.000Z');
    expect(plan.skipped).toEqual({ count: 59, from: new Date('2026-11-30T20:01:00Z'), to: new Date('2026-11-30T20:59:00Z') });
  });

  it('slotsBetween takes both ends', () => {
    expect(slotsBetween(new Date(10_000), new Date(30_000), 10_000).map((d) => d.getTime())).toEqual([10_000, 20_000, 30_000]);
  });
});

describe('PipelineLogger', () => {
  const start = Date.parse('2026-11-30T23:05:20Z');
  const setup = (level: 'WARN' | 'DEBUG' = 'WARN', format: 'text' | 'json' = 'text') => {
    const lines: string[] = [];
    let now = start;
    const logger = new PipelineLogger({ level, format, write: (line) => lines.push(line), now: () => new Date(now) });
    return { lines, logger, advance: (ms: number) => (now += ms) };
  };
  const sourceDown = () => {
    const error = ApplicationFailure.retryable('could not get an answer from random user API at https://randomuser.me/api/: getaddrinfo ENOTFOUND randomuser.me', 'SourceNetworkError');
    error.stack = `${error.message}\n    at fetchUsers (src/activities/ingest/fetch-users.ts:31:15)`;
    return error;
  };

  it('says a failing activity once, summarises its retries at most every 30 s, and says when it recovers', () => {
    const { lines, logger, advance } = setup();
    for (let i = 0; i < 100; i++) {
      logger.warn('Activity failed', { activityType: 'fetchUsers', workflowId: `random-names-slot-${i % 12}`, attempt: 1 + Math.floor(i / 12), error: sourceDown() });
      advance(450);
    }
    logger.debug('Activity completed', { activityType: 'fetchUsers', workflowId: 'random-names-slot-3' });
    expect(lines.length).toBeLessThanOrEqual(4);
    expect(lines[0]).toMatch(/WARN  fetchUsers failing: could not get an answer from random user API at https:\/\/randomuser.me\/api\/: getaddrinfo ENOTFOUND randomuser.me .*Temporal retries it$/);
    expect(lines.some((l) => /fetchUsers still failing: .*ENOTFOUND randomuser.me — \d+ failed attempts of 12 workflow\(s\) since 23:05:20/.test(l))).toBe(true);
    expect(lines[lines.length - 1]).toMatch(/fetchUsers succeeded again after 100 failed attempt\(s\) since 23:05:20/);
    expect(lines.join('\n')).not.toContain('    at ');
  });

  it('reads the same failure of different slots as one reason (a URL\'s query differs per slot)', () => {
    const { lines, logger } = setup();
    for (const seed of ['a@1', 'b@2', 'c@3']) {
      logger.warn('Activity failed', { activityType: 'fetchUsers', workflowId: seed, error: ApplicationFailure.retryable(`could not get an answer from random user API at http://127.0.0.1:9/api/?results=3&seed=${seed}&page=1: ECONNREFUSED`, 'SourceNetworkError') });
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('at http://127.0.0.1:9/api/: ECONNREFUSED');
  });

  it('says a new reason at once', () => {
    const { lines, logger } = setup();
    logger.warn('Activity failed', { activityType: 'fetchUsers', workflowId: 'w', error: sourceDown() });
    logger.warn('Activity failed', { activityType: 'fetchUsers', workflowId: 'w', error: ApplicationFailure.retryable('random user API answered HTTP 503', 'SourceHttpError') });
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('HTTP 503');
  });

  it('says a repeated message (the SDK\'s own retries while Temporal is down) once per 30 s, counting the rest', () => {
    const { lines, logger, advance } = setup();
    for (let i = 1; i <= 40; i++) {
      logger.error(`gRPC call poll_activity_task_queue retried ${i} times`, { sdkComponent: 'core' });
      advance(1000);
    }
    expect(lines).toEqual([
      '23:05:20 ERROR gRPC call poll_activity_task_queue retried 1 times',
      '23:05:50 ERROR gRPC call poll_activity_task_queue retried 31 times (29 more like it since 23:05:20)',
    ]);
  });

  it('keeps stack traces for DEBUG, and other messages to one line at WARN', () => {
    const quiet = setup('WARN');
    quiet.logger.warn('Worker failed to poll', { error: new Error('connection reset\nsecond line') });
    quiet.logger.info('Worker state changed', {});
    quiet.logger.warn('No workflows registered, not polling for workflow tasks', { taskQueue: 'random-names-sink@host-1' });
    expect(quiet.lines).toEqual(['23:05:20 WARN  Worker failed to poll: Error: connection reset']);
    const loud = setup('DEBUG');
    loud.logger.warn('Activity failed', { activityType: 'fetchUsers', workflowId: 'w', error: sourceDown() });
    expect(loud.lines.join('\n')).toContain('    at fetchUsers');
  });

  it('writes JSON lines for deployments', () => {
    const { lines, logger } = setup('WARN', 'json');
    logger.warn('Activity failed', { activityType: 'fetchUsers', workflowId: 'w', attempt: 2, error: sourceDown() });
    const line = JSON.parse(lines[0]!);
    expect(line).toMatchObject({ level: 'WARN', activityType: 'fetchUsers', workflowId: 'w', time: '2026-11-30T23:05:20.000Z' });
    expect(line.message).toMatch(/^fetchUsers failing: .*ENOTFOUND/);
  });
});
