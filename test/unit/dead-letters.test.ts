import { cutDeadLetter, toDeadLetter } from '../../src/kafka/dead-letter';
import { distinctDeadLetters, originKey } from '../../src/kafka/dead-letter-queue';

describe('dead letters', () => {
  it('keep key, value and headers, and say why and where from', () => {
    const letter = toDeadLetter(
      { key: Buffer.from('k'), value: Buffer.from('{oops'), headers: { 'pipeline-slot-time': '2026-11-24T12:00:00.000Z' } },
      { topic: 'random_names', partition: 4, offset: '17', reason: 'not JSON', failedAt: new Date('2026-11-24T12:00:05.000Z') },
    );
    expect(letter.key).toEqual(Buffer.from('k'));
    expect(letter.value).toEqual(Buffer.from('{oops'));
    expect(letter.headers).toEqual({
      'pipeline-slot-time': '2026-11-24T12:00:00.000Z',
      'dlq-reason': 'not JSON',
      'dlq-source-topic': 'random_names',
      'dlq-source-partition': '4',
      'dlq-source-offset': '17',
      'dlq-failed-at': '2026-11-24T12:00:05.000Z',
    });
  });

  it('keep a null value null', () => {
    expect(toDeadLetter({ key: null, value: null }, { topic: 't', partition: 0, offset: '0', reason: 'null value', failedAt: new Date(0) }).value).toBeNull();
  });

  it('too large for the dead-letter topic, keep the start of the value, its size and why, and the rest as they were', () => {
    const origin = { topic: 'random_names', partition: 2, offset: '9', reason: 'not JSON', failedAt: new Date(0) };
    const letter = toDeadLetter({ key: Buffer.from('k'), value: Buffer.from('x'.repeat(100)) }, origin);
    const cut = cutDeadLetter(letter, 10);
    expect(cut.key).toEqual(Buffer.from('k'));
    expect(cut.value).toEqual(Buffer.from('x'.repeat(10)));
    expect(cut.headers).toEqual({ ...letter.headers, 'dlq-reason': 'not JSON; kept cut to 10 of its 100 bytes, over the dead-letter topic\'s size limit', 'dlq-raw-bytes': '100' });
    expect(cutDeadLetter(letter, 100)).toBe(letter); // nothing to cut
    expect(cutDeadLetter({ ...letter, value: null }, 10).value).toBeNull();
  });
});

describe('dead letters listed once', () => {
  const letter = (dlqOffset: number, origin: Record<string, string>) => ({
    kind: 'sink' as const,
    partition: 0, offset: String(dlqOffset), key: 'k', value: Buffer.from('x'), reason: 'bad', source: '', failedAt: null, replays: 0,
    headers: Object.fromEntries(Object.entries(origin).map(([k, v]) => [`dlq-source-${k}`, v])),
  });

  it('keep the first copy of each origin and count the copies', () => {
    const origin = { topic: 't', partition: '2', offset: '17', timestamp: '1764000000000' };
    const letters = distinctDeadLetters([letter(0, origin), letter(1, { ...origin, offset: '18' }), letter(2, origin)]);
    expect(letters.map((l) => [l.offset, l.copies])).toEqual([['0', 2], ['1', 1]]);
  });

  it('tell apart two lifetimes of a topic at one offset by the record timestamp', () => {
    const origin = { topic: 't', partition: '0', offset: '5', timestamp: '1764000000000' };
    expect(distinctDeadLetters([letter(0, origin), letter(1, { ...origin, timestamp: '1764000999000' })])).toHaveLength(2);
  });

  it('keep letters without origin headers apart, by their place on the DLQ', () => {
    expect(distinctDeadLetters([letter(0, {}), letter(1, {})])).toHaveLength(2);
    expect(originKey(letter(3, {}))).toBe('dlq:0@3');
  });

  it('count the copies of one source reject (a retried quarantine) once, and its rejects in other runs apart', () => {
    const reject = (dlqOffset: number, runId: string) => ({
      ...letter(dlqOffset, {}),
      kind: 'source-reject' as const,
      headers: { 'dlq-kind': 'source-reject', 'dlq-source-workflow-id': 'w', 'dlq-source-run-id': runId, 'dlq-source-page': '1', 'dlq-source-index': '4' },
    });
    const letters = distinctDeadLetters([reject(0, 'r1'), reject(1, 'r1'), reject(2, 'r2')]);
    expect(letters.map((l) => [l.offset, l.copies])).toEqual([['0', 2], ['2', 1]]);
    expect(originKey(reject(0, 'r1'))).toBe('reject:w:r1:p1:4');
  });
});
