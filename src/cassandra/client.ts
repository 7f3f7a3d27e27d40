import { Client, ExecutionProfile, policies, types } from 'cassandra-driver';
import type { PipelineConfig } from '../config/pipeline-config';
import { cassandraConnectionOptions } from './connection-options';

/** The execution profile of the sink's writes: the configured consistency level. */
export const WRITE_PROFILE = 'pipeline-write';

const CONSISTENCY: Record<PipelineConfig['cassandra']['writeConsistency'], number> = {
  ONE: types.consistencies.one,
  TWO: types.consistencies.two,
  THREE: types.consistencies.three,
  QUORUM: types.consistencies.quorum,
  ALL: types.consistencies.all,
  LOCAL_ONE: types.consistencies.localOne,
  LOCAL_QUORUM: types.consistencies.localQuorum,
  EACH_QUORUM: types.consistencies.eachQuorum,
};

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
    profiles: [new ExecutionProfile(WRITE_PROFILE, { consistency: CONSISTENCY[config.writeConsistency] })],
    pooling: { maxRequestsPerConnection: 2048 },
    socketOptions: { connectTimeout: 5000, readTimeout: 12_000 },
  });
}
