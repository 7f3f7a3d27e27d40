import type { Admin } from 'kafkajs';
import type { PipelineConfig } from '../config/pipeline-config';

/** Creates the data topic and its dead-letter topic when missing; returns the names it created. */
export async function ensureTopics(admin: Admin, config: PipelineConfig['kafka']): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = [config.topic, config.dlqTopic].filter((topic) => !existing.has(topic));
  if (missing.length === 0) return [];
  await admin.createTopics({
    waitForLeaders: true,
    topics: missing.map((topic) => ({
      topic,
      numPartitions: config.partitions,
      replicationFactor: config.replicationFactor,
      configEntries: config.replicationFactor > 1 ? [{ name: 'min.insync.replicas', value: String(Math.min(2, config.replicationFactor)) }] : [],
    })),
  });
  return missing;
}
