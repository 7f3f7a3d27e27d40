import { loadPipelineConfig } from '../../src/config/pipeline-config';
import { ConfigError } from '../../src/config/parse-env';
import { backoffDelay, formatDowntime, OutageLog, outageReason, waitForServer } from '../../src/servers/wait-for-server';
import { isTemporalUnavailable } from '../../src/temporal/unavailable';
import { uncommittedLine } from '../../src/workers/stop-signals';

const cassandra = { name: 'Cassandra', address: '127.0.0.1:9042' } as const;

describe('waiting for a server', () => {
  it.each([
    [1, 500],
    [2, 1000],
    [3, 2000],
    [5, 8000],
    [6, 15_000],
    [40, 15_000],
  ])('backs off exponentially from 0.5 s, capped at 15 s: after %i failure(s), %i ms', (failures, ms) => {
    expect(backoffDelay(failures)).toBe(ms);
  });

  it.each([
    [0, '0s'],
    [45_900, '45s'],
    [125_000, '2m'],
    [3_900_000, '1h 5m'],
  ])('tells %i ms down as %s', (ms, text) => expect(formatDowntime(ms)).toBe(text));

  it.each([
    ['a refused TCP connection (Node)', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9042'), { code: 'ECONNREFUSED' }), 'ECONNREFUSED'],
    ["cassandra-driver's NoHostAvailableError", Object.assign(new Error('All host(s) tried for query failed.'), { innerErrors: { '127.0.0.1:9042': Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' }) } }), 'ETIMEDOUT'],
    ["Temporal core's transport error", new Error('tonic::transport::Error(Transport, ConnectError(... Os { code: 111, kind: ConnectionRefused, message: "Connection refused" }))'), 'ECONNREFUSED'],
    ['anything else, by its first line', new Error('broker is loading\nmore'), 'broker is loading'],
  ])('names why the server did not answer: %s', (_, error, reason) => expect(outageReason(error)).toBe(reason));

  it('prints one line when a server goes away, one a minute while it stays away, one when it is back', () => {
    let now = 0;
    const lines: string[] = [];
    const outage = new OutageLog(cassandra, (line) => lines.push(line), () => now);
    for (; now <= 150_000; now += 500) outage.down('ECONNREFUSED');
    outage.up();
    outage.up();
    expect(lines).toEqual([
      'waiting for Cassandra at 127.0.0.1:9042: ECONNREFUSED (retrying every 0.5-15 s)',
      'waiting for Cassandra at 127.0.0.1:9042 (down 1m): ECONNREFUSED',
      'waiting for Cassandra at 127.0.0.1:9042 (down 2m): ECONNREFUSED',
      'Cassandra at 127.0.0.1:9042 is back (down 2m)',
    ]);
  });

  it('retries an outage until the server answers, and says so', async () => {
    const lines: string[] = [];
    let attempts = 0;
    const value = await waitForServer(cassandra, async () => {
      attempts += 1;
      if (attempts < 3) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      return 'connected';
    }, { log: (line) => lines.push(line), isBadSetting: () => false, backoff: { initialMs: 1, maxMs: 2 } });
    expect({ value, attempts }).toEqual({ value: 'connected', attempts: 3 });
    expect(lines).toEqual(['waiting for Cassandra at 127.0.0.1:9042: ECONNREFUSED (retrying every 0.5-15 s)', 'Cassandra at 127.0.0.1:9042 is back (down 0s)']);
  });

  it('throws a bad setting and a bug at once, without waiting', async () => {
    const rejected = Object.assign(new Error('Provided username pipeline and/or password are incorrect'), { name: 'AuthenticationError' });
    const options = { log: () => undefined, isBadSetting: (error: unknown) => (error as Error).name === 'AuthenticationError' };
    let attempts = 0;
    await expect(waitForServer(cassandra, async () => { attempts += 1; throw rejected; }, options)).rejects.toBe(rejected);
    await expect(waitForServer(cassandra, async () => { attempts += 1; throw new TypeError('x is not a function'); }, options)).rejects.toThrow(TypeError);
    expect(attempts).toBe(2);
  });

  it('ends the wait when the process stops', async () => {
    const stopping = new AbortController();
    const waiting = waitForServer(cassandra, async () => { throw new Error('connect ECONNREFUSED'); }, { log: () => undefined, isBadSetting: () => false, signal: stopping.signal });
    setTimeout(() => stopping.abort(new Error('stopped by SIGINT')), 20);
    await expect(waiting).rejects.toThrow('stopped by SIGINT');
  });
});

describe('Temporal away, as opposed to an answer', () => {
  it.each([
    ['UNAVAILABLE (gRPC 14) under a ServiceError', Object.assign(new Error('Failed to describe schedule'), { cause: Object.assign(new Error('14 UNAVAILABLE: Connection refused'), { code: 14 }) }), true],
    ['DEADLINE_EXCEEDED (gRPC 4)', Object.assign(new Error('deadline'), { code: 4 }), true],
    ['a transport error of the core', Object.assign(new Error('tonic::transport::Error'), { name: 'TransportError' }), true],
    ['NOT_FOUND (gRPC 5)', Object.assign(new Error('schedule not found'), { code: 5 }), false],
  ])('%s: %s', (_, error, away) => expect(isTemporalUnavailable(error)).toBe(away));
});

describe('the settings of outages', () => {
  it('defaults: a consumer restarted at most 10 times in 10 minutes, 30 s of grace on a stop', () => {
    const config = loadPipelineConfig({});
    expect({ sink: config.sink, shutdown: config.shutdown }).toEqual({ sink: { consumerRestartLimit: { restarts: 10, windowMs: 600_000 } }, shutdown: { graceMs: 30_000 } });
  });

  it('reads SINK_CONSUMER_RESTART_LIMIT as restarts/window and SHUTDOWN_GRACE as a duration', () => {
    const config = loadPipelineConfig({ SINK_CONSUMER_RESTART_LIMIT: '3/1m', SHUTDOWN_GRACE: '5s' });
    expect({ limit: config.sink.consumerRestartLimit, grace: config.shutdown.graceMs }).toEqual({ limit: { restarts: 3, windowMs: 60_000 }, grace: 5000 });
  });

  it('rejects a limit without its window in one line', () => {
    expect(() => loadPipelineConfig({ SINK_CONSUMER_RESTART_LIMIT: '10' })).toThrow(ConfigError);
    expect(() => loadPipelineConfig({ SINK_CONSUMER_RESTART_LIMIT: '10' })).toThrow(/SINK_CONSUMER_RESTART_LIMIT.*restarts\/window, such as 10\/10m/);
  });

  it('says what a stop left uncommitted', () => {
    expect(uncommittedLine([], 30_000)).toBe('every batch in flight was written and committed');
    expect(uncommittedLine(['t partition 1 offsets 11-22'], 30_000)).toBe('after SHUTDOWN_GRACE (30 s), left 1 batch(es) uncommitted: t partition 1 offsets 11-22; the consumer group reads them again');
  });
});
