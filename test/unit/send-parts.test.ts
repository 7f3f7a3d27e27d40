import type { Message } from 'kafkajs';
import { estimatedMessageBytes, isRecordBatchTooLarge, SEND_PART_BYTES, sendParts } from '../../src/kafka/send-parts';

describe('a send cut into parts under Kafka\'s limit on a record batch', () => {
  const message = (i: number, valueBytes: number): Message => ({ key: `k${i}`, value: Buffer.alloc(valueBytes, 'x'), headers: { 'dlq-reason': 'not JSON' } });

  it('estimates a message as its key, value and headers with their framing, never under their bytes', () => {
    const m = message(1, 1000);
    const exact = 2 + 1000 + 'dlq-reason'.length + 'not JSON'.length;
    expect(estimatedMessageBytes(m)).toBeGreaterThan(exact);
    expect(estimatedMessageBytes(m)).toBeLessThan(exact + 100);
    expect(estimatedMessageBytes({ key: null, value: 'é' })).toBe(estimatedMessageBytes({ key: null, value: 'ab' })); // UTF-8 bytes, not characters
    expect(estimatedMessageBytes({ key: null, value: null, headers: { h: ['ab', Buffer.from('cd')] } })).toBeGreaterThan(estimatedMessageBytes({ key: null, value: null, headers: { h: 'ab' } }));
  });

  it('keeps every message once, in order, each part within the cap, and a message over the cap alone', () => {
    const messages = [...Array.from({ length: 2500 }, (_, i) => message(i, 1000)), message(2500, 2 * SEND_PART_BYTES), message(2501, 10)];
    const parts = sendParts(messages);
    expect(parts.flat()).toEqual(messages);
    expect(parts.length).toBeGreaterThanOrEqual(4);
    for (const part of parts.filter((p) => p.length > 1)) expect(part.reduce((sum, m) => sum + estimatedMessageBytes(m), 0)).toBeLessThanOrEqual(SEND_PART_BYTES);
    expect(parts.find((p) => p.includes(messages[2500]!))).toEqual([messages[2500]]);
    expect(sendParts(messages.slice(0, 10))).toEqual([messages.slice(0, 10)]); // a small send is one part
    expect(sendParts([])).toEqual([]);
  });

  it('knows Kafka\'s refusal of a record batch as too large, thrown as it is or wrapped', () => {
    const refused = Object.assign(new Error('The request included a message larger than the max message size the server will accept'), { type: 'MESSAGE_TOO_LARGE' });
    expect(isRecordBatchTooLarge(refused)).toBe(true);
    expect(isRecordBatchTooLarge(Object.assign(new Error('gave up'), { originalError: refused }))).toBe(true);
    expect(isRecordBatchTooLarge(Object.assign(new Error('x'), { type: 'RECORD_LIST_TOO_LARGE' }))).toBe(true);
    expect(isRecordBatchTooLarge(Object.assign(new Error('x'), { type: 'NOT_LEADER_FOR_PARTITION' }))).toBe(false);
    expect(isRecordBatchTooLarge(undefined)).toBe(false);
  });
});
