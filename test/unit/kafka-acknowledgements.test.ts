import { partitionOfKey, unacknowledgedPartitions } from '../../src/kafka/client';

describe('checking that a send was acknowledged for every partition it went to', () => {
  const keys = Array.from({ length: 40 }, (_, i) => `user-${i}`);
  const sentTo = keys.map((k) => partitionOfKey('t', k, 6));
  const partitions = [...new Set(sentTo)].sort();

  it('places a key by its hash alone, spreading keys over the partitions', () => {
    expect(partitions.length).toBeGreaterThan(3);
    for (const key of keys) expect(partitionOfKey('other-topic', key, 6)).toBe(partitionOfKey('t', key, 6));
  });

  it('is satisfied when every partition answered without error', () => {
    const metadata = partitions.map((partition) => ({ topicName: 't', partition, errorCode: 0 }));
    expect(unacknowledgedPartitions('t', sentTo, metadata)).toEqual([]);
  });

  it('names the partitions missing from the answers, or answered with an error', () => {
    const [dropped, failed, ...rest] = partitions;
    const metadata = [...rest.map((partition) => ({ topicName: 't', partition, errorCode: 0 })), { topicName: 't', partition: failed!, errorCode: 6 }];
    expect(unacknowledgedPartitions('t', sentTo, metadata)).toEqual([dropped, failed].sort((a, b) => a! - b!));
  });

  it('checks the partitions keyless messages went to, whatever their count', () => {
    const metadata = [0, 2].map((partition) => ({ topicName: 't', partition, errorCode: 0 }));
    expect(unacknowledgedPartitions('t', [0, 1, 2, 0, 1, 2], metadata)).toEqual([1]);
  });

  it('does not count another topic\'s answer', () => {
    const metadata = partitions.map((partition) => ({ topicName: 'other', partition, errorCode: 0 }));
    expect(unacknowledgedPartitions('t', sentTo, metadata)).toEqual(partitions);
  });
});
