import { Kafka, logLevel } from 'kafkajs';
import type { PipelineConfig } from '../config/pipeline-config';
import { kafkaConnectionOptions } from './connection-options';

/**
 * Asks the brokers for their metadata once, without kafkajs's retries or logs: a connect of the
 * pipeline's own clients retries for about a minute and logs every attempt, which is no way to find
 * out whether Kafka is up. Throws the driver's error (a refused login or a TLS failure included).
 */
export async function probeBrokers(config: PipelineConfig['kafka']): Promise<void> {
  const kafka = new Kafka({ ...kafkaConnectionOptions(config), logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 3000 });
  const admin = kafka.admin();
  try {
    await admin.connect();
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
