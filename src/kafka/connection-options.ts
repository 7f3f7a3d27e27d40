import type { KafkaConfig, SASLOptions } from 'kafkajs';
import type { PipelineConfig } from '../config/pipeline-config';
import { nodeTlsOptions } from '../config/tls-settings';

/** Where the brokers are and how to reach them: kafkajs `ssl` and `sasl` from the pipeline's settings. */
export function kafkaConnectionOptions(config: PipelineConfig['kafka']): Pick<KafkaConfig, 'clientId' | 'brokers' | 'ssl' | 'sasl'> {
  return {
    clientId: config.clientId,
    brokers: config.brokers,
    ...(config.tls ? { ssl: nodeTlsOptions(config.tls) } : {}),
    ...(config.sasl ? { sasl: saslOptions(config.sasl) } : {}),
  };
}

function saslOptions(sasl: NonNullable<PipelineConfig['kafka']['sasl']>): SASLOptions {
  const credentials = { username: sasl.username, password: sasl.password.reveal() };
  switch (sasl.mechanism) {
    case 'plain':
      return { mechanism: 'plain', ...credentials };
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', ...credentials };
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', ...credentials };
  }
}
