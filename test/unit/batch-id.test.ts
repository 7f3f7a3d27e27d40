import { batchWorkflowId, parseBatchWorkflowId } from '../../src/sink/batch-id';

describe('batch workflow ids', () => {
  it.each([
    [{ topic: 'random_names', partition: 0, firstOffset: '0', lastOffset: '499', digest: '0123456789abcdef0123' }, 'batch-random_names-p0-0-499-0123456789abcdef0123'],
    [{ topic: 'random_names', partition: 5, firstOffset: '1000', lastOffset: '1000', digest: 'ffffffffffffffffffff' }, 'batch-random_names-p5-1000-1000-ffffffffffffffffffff'],
  ])('name topic, partition, offsets and content digest: %j', (batch, id) => {
    expect(batchWorkflowId(batch)).toBe(id);
    expect(parseBatchWorkflowId(id)).toEqual({ partition: batch.partition, firstOffset: batch.firstOffset, lastOffset: batch.lastOffset, digest: batch.digest });
  });

  it('are told apart from other workflow ids', () => {
    expect(parseBatchWorkflowId('slot-random-names-2026-11-24T12:00:00Z')).toBeUndefined();
    expect(parseBatchWorkflowId('batch-random_names-p0-0-499')).toBeUndefined();
  });
});
