import type { ConsumerConfig } from 'kafkajs';
import type { PipelineConfig } from '../config/pipeline-config';

/**
 * The sink consumer's fetch and group settings. A fetch (every partition of one broker) is most of the
 * data a sink process holds at once: the records, and the rows cut from them until they are written.
 * So its size is the memory budget's main term.
 */
export function sinkConsumerOptions(config: PipelineConfig, groupId: string = config.kafka.consumerGroup): ConsumerConfig {
  const maxFetchBytes = config.batch.fetchMaxBytes;
  return {
    groupId,
    // The broker holds a fetch until this many bytes or the max wait: that is how a caught-up
    // consumer's batches fill up to the smallest size.
    minBytes: Math.min(config.batch.minRecords * 1024, 1024 * 1024),
    maxWaitTimeInMs: config.batch.maxWaitMs,
    maxBytesPerPartition: maxFetchBytes,
    maxBytes: maxFetchBytes,
    sessionTimeout: 30_000,
    heartbeatInterval: 3000,
  };
}
