import { SourceHttpError, SourceNetworkError, SourceTimeoutError } from '../../src/source/errors';
import { lastingFailureCause } from '../../src/source/lasting-failure';
import { gateNote, gatePauseTime, SourceHealthTracker } from '../../src/source-health/source-health';

describe('lastingFailureCause: failures that retrying will not fix soon', () => {
  const url = 'http://source.test/api/';
  it.each<[string, unknown, string | undefined]>([
    ['a server fault', new SourceHttpError(url, 503), 'HTTP 503'],
    ['throttling with a long Retry-After', new SourceHttpError(url, 429, 120_000), 'HTTP 429, retry after 120 s'],
    ['throttling with a short Retry-After', new SourceHttpError(url, 429, 2_000), undefined],
    ['throttling without Retry-After', new SourceHttpError(url, 429), undefined],
    ['a client error (the request is wrong, not the source down)', new SourceHttpError(url, 404), undefined],
    ['a refused connection', new SourceNetworkError(url, 'connect ECONNREFUSED 127.0.0.1:9'), 'connect ECONNREFUSED 127.0.0.1:9'],
    ['an unknown host', new SourceNetworkError(url, 'getaddrinfo ENOTFOUND source.test'), 'getaddrinfo ENOTFOUND source.test'],
    ['a connection reset mid-answer', new SourceNetworkError(url, 'ECONNRESET'), undefined],
    ['a timeout', new SourceTimeoutError(url, 1000), undefined],
    ['anything else', new Error('boom'), undefined],
  ])('%s', (_, error, cause) => {
    expect(lastingFailureCause(error)).toBe(cause);
  });
});

describe('SourceHealthTracker', () => {
  it('closes after K distinct failing slots in a row, once per outage', () => {
    const tracker = new SourceHealthTracker(3);
    expect(tracker.failed('t1', 'HTTP 503')).toBeUndefined();
    expect(tracker.failed('t1', 'HTTP 503')).toBeUndefined(); // a retry of the same slot is not a second slot
    expect(tracker.failed('t2', 'HTTP 503')).toBeUndefined();
    expect(tracker.failed('t3', 'HTTP 502')).toBe('HTTP 502');
    expect(tracker.isDown).toBe(true);
    expect(tracker.failed('t4', 'HTTP 503')).toBeUndefined();
  });

  it('starts over after a success, and ignores failures a retry may fix', () => {
    const tracker = new SourceHealthTracker(2);
    expect(tracker.failed('t1', 'HTTP 503')).toBeUndefined();
    tracker.succeeded();
    expect(tracker.failed('t2', 'HTTP 503')).toBeUndefined();
    expect(tracker.failed('t3', undefined)).toBeUndefined(); // a timeout neither counts nor breaks the streak
    expect(tracker.failed('t4', 'HTTP 503')).toBe('HTTP 503');
  });

  it('counts afresh once reset (the source answered again)', () => {
    const tracker = new SourceHealthTracker(1);
    expect(tracker.failed('t1', 'x')).toBe('x');
    tracker.reset();
    expect(tracker.isDown).toBe(false);
    expect(tracker.failed('t2', 'y')).toBe('y');
  });
});

describe('the gate\'s pause note', () => {
  it('names the cause and the time, and only the gate\'s own note reads back as the gate\'s pause', () => {
    const since = new Date('2026-12-01T01:00:00.000Z');
    const note = gateNote(since, 'HTTP 503');
    expect(note).toContain('HTTP 503');
    expect(gatePauseTime(note)).toEqual(since);
    expect(gatePauseTime('operator: reindexing')).toBeUndefined();
    expect(gatePauseTime(`operator copied: ${note}`)).toBeUndefined();
    expect(gatePauseTime(undefined)).toBeUndefined();
  });
});
