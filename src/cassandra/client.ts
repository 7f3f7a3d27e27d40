import { Client, policies } from 'cassandra-driver';
import type { PipelineConfig } from '../config/pipeline-config';
import { cassandraConnectionOptions } from './connection-options';

/** A driver client with token-aware routing over DC-aware round robin, and credentials and TLS when configured. */
export function createCassandraClient(config: PipelineConfig['cassandra'], options: { keyspace?: string } = {}): Client {
  return new Client({
    ...cassandraConnectionOptions(config),
    ...(options.keyspace ? { keyspace: options.keyspace } : {}),
    policies: {
      loadBalancing: new policies.loadBalancing.TokenAwarePolicy(new policies.loadBalancing.DCAwareRoundRobinPolicy(config.localDataCenter)),
      // The pipeline retries whole batches through Temporal; a driver-level retry would hide failures from history.
      reconnection: new policies.reconnection.ExponentialReconnectionPolicy(500, 10_000, false),
    },
    pooling: { maxRequestsPerConnection: 2048 },
    socketOptions: { connectTimeout: 5000, readTimeout: 12_000 },
  });
}
