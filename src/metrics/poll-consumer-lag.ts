import type { Kafka } from 'kafkajs';
import type { PipelineConfig } from '../config/pipeline-config';
import { consumerLag } from '../kafka/consumer-lag';
import type { PipelineCounters } from './pipeline-counters';

/** Measures the group's lag every few seconds for the status line and the metrics endpoint; returns its stop. */
export function pollConsumerLag(kafka: Kafka, config: PipelineConfig['kafka'], counters: PipelineCounters, everyMs = 3000): () => Promise<void> {
  const admin = kafka.admin();
  let connected: Promise<boolean> = admin.connect().then(() => true, () => false);
  const timer = setInterval(async () => {
    if (!(await connected)) {
      connected = admin.connect().then(() => true, () => false);
      return;
    }
    try {
      const lags = await consumerLag(admin, config.consumerGroup, config.topic);
      for (const p of lags) counters.lagByPartition.set(p.partition, p.lag);
      counters.consumerLag = lags.reduce((sum, p) => sum + p.lag, 0);
    } catch {
      counters.consumerLag = undefined;
    }
  }, everyMs);
  return async () => {
    clearInterval(timer);
    await admin.disconnect().catch(() => undefined);
  };
}
