import { Client, auth, policies } from 'cassandra-driver';
import type { PipelineConfig } from '../config/pipeline-config';

/** A driver client with token-aware routing over DC-aware round robin, and credentials when configured. */
export function createCassandraClient(config: PipelineConfig['cassandra'], options: { keyspace?: string } = {}): Client {
  return new Client({
    contactPoints: config.contactPoints,
    localDataCenter: config.localDataCenter,
    ...(options.keyspace ? { keyspace: options.keyspace } : {}),
    policies: {
      loadBalancing: new policies.loadBalancing.TokenAwarePolicy(new policies.loadBalancing.DCAwareRoundRobinPolicy(config.localDataCenter)),
      // The pipeline retries whole batches through Temporal; a driver-level retry would hide failures from history.
      reconnection: new policies.reconnection.ExponentialReconnectionPolicy(500, 10_000, false),
    },
    pooling: { maxRequestsPerConnection: 2048 },
    socketOptions: { connectTimeout: 5000, readTimeout: 12_000 },
    ...(config.credentials ? { authProvider: new auth.PlainTextAuthProvider(config.credentials.username, config.credentials.password) } : {}),
  });
}
