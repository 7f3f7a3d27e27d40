import { errors, types } from 'cassandra-driver';
import { isWriteTimeout, MAX_LOST_RUNS, runsWithoutLost } from '../../bench/lost-runs';

const writeTimeout = () => new errors.ResponseError(types.responseErrorCodes.writeTimeout, 'Server timeout during write query at consistency LOCAL_ONE (0 peer(s) acknowledged the write over 1 required)');

describe('a ceiling run lost to a write timeout (bench/lost-runs.ts)', () => {
  it('knows a write timeout, from the server or the driver, bare or behind "no host available"', () => {
    expect(isWriteTimeout(writeTimeout())).toBe(true);
    expect(isWriteTimeout(new errors.OperationTimedOutError('The host 127.0.0.1:9042 did not reply before timeout 12000 ms', '127.0.0.1:9042'))).toBe(true);
    expect(isWriteTimeout(new errors.NoHostAvailableError({ '127.0.0.1:9042': writeTimeout() }))).toBe(true);
    expect(isWriteTimeout(new errors.ResponseError(types.responseErrorCodes.syntaxError, 'line 1:0 no viable alternative'))).toBe(false);
    expect(isWriteTimeout(new errors.NoHostAvailableError({ '127.0.0.1:9042': new Error('connect ECONNREFUSED') }))).toBe(false);
    expect(isWriteTimeout(new Error('Server timeout'))).toBe(false);
  });

  it('runs a lost run again and keeps only the runs that finished, reporting each loss', async () => {
    const outcomes = [writeTimeout(), 10, writeTimeout(), 20, 30];
    const lines: string[] = [];
    const runs = await runsWithoutLost(3, async () => {
      const next = outcomes.shift();
      if (next instanceof Error) throw next;
      return next!;
    }, (line) => lines.push(line));
    expect(runs).toEqual([10, 20, 30]);
    expect(outcomes).toEqual([]);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`2 of at most ${MAX_LOST_RUNS} lost`);
  });

  it('gives up once more runs are lost than allowed, and at once on any other error', async () => {
    let attempts = 0;
    await expect(runsWithoutLost(1, async () => {
      attempts += 1;
      throw writeTimeout();
    }, () => {})).rejects.toThrow('Server timeout during write query');
    expect(attempts).toBe(MAX_LOST_RUNS + 1);

    attempts = 0;
    await expect(runsWithoutLost(3, async () => {
      attempts += 1;
      throw new Error('table ceiling does not exist');
    }, () => {})).rejects.toThrow('table ceiling does not exist');
    expect(attempts).toBe(1);
  });
});
