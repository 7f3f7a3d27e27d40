import { auth, type ClientOptions } from 'cassandra-driver';
import type { PipelineConfig } from '../config/pipeline-config';
import { nodeTlsOptions } from '../config/tls-settings';

/** Where the cluster is and how to reach it: contact points, credentials and `sslOptions` from the pipeline's settings. */
export function cassandraConnectionOptions(config: PipelineConfig['cassandra']): Pick<ClientOptions, 'contactPoints' | 'localDataCenter' | 'authProvider' | 'sslOptions'> {
  return {
    contactPoints: config.contactPoints,
    localDataCenter: config.localDataCenter,
    ...(config.credentials ? { authProvider: new auth.PlainTextAuthProvider(config.credentials.username, config.credentials.password.reveal()) } : {}),
    ...(config.tls ? { sslOptions: nodeTlsOptions(config.tls) } : {}),
  };
}
