import type { Admin } from 'kafkajs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PipelineConfig } from '../config/pipeline-config';

/** Creates the data topic and its dead-letter topic when missing; returns the names it created. */
export async function ensureTopics(admin: Admin, config: PipelineConfig['kafka']): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = [config.topic, config.dlqTopic].filter((topic) => !existing.has(topic));
  if (missing.length === 0) return [];
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({
        topic,
        numPartitions: config.partitions,
        replicationFactor: config.replicationFactor,
        configEntries: config.replicationFactor > 1 ? [{ name: 'min.insync.replicas', value: String(Math.min(2, config.replicationFactor)) }] : [],
      })),
    });
  } catch (error) {
    // On a cluster, the broker asked for the new topics' leaders may not know them yet: kafkajs gives up
    // on that answer instead of asking again. The topics were created; wait for their leaders here.
    if (protocolErrorType(error) !== 'UNKNOWN_TOPIC_OR_PARTITION') throw error;
  }
  await waitForLeaders(admin, missing);
  return missing;
}

/** Until every partition of the topics has a leader that the cluster reports, for at most `timeoutMs`. */
async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: described } = await admin.fetchTopicMetadata({ topics });
      if (described.length === topics.length && described.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (error) {
      const type = protocolErrorType(error);
      if (type !== 'UNKNOWN_TOPIC_OR_PARTITION' && type !== 'LEADER_NOT_AVAILABLE') throw error;
    }
    if (Date.now() > deadline) throw new Error(`topics ${topics.join(', ')} were created but have no leader for every partition after ${timeoutMs / 1000} s`);
    await sleep(250);
  }
}

/** The Kafka protocol error a kafkajs error stands for, also when kafkajs wrapped it after its retries. */
function protocolErrorType(error: unknown): string | undefined {
  const e = error as { type?: string; originalError?: { type?: string } };
  return e.type ?? e.originalError?.type;
}
