import type { ConnectionOptions } from '@temporalio/client';
import type { NativeConnectionOptions } from '@temporalio/worker';
import type { PipelineConfig } from '../config/pipeline-config';

/** Options that both `Connection.connect` (client) and `NativeConnection.connect` (worker) accept. */
export type TemporalConnectionOptions = Pick<ConnectionOptions, 'address' | 'tls' | 'apiKey'> & Pick<NativeConnectionOptions, 'address' | 'tls' | 'apiKey'>;

/**
 * Where the Temporal frontend is and how to reach it, for every connection the pipeline opens.
 * `tls` is always stated: the SDK would otherwise turn TLS on by itself whenever an API key is set,
 * and TEMPORAL_TLS=false with TEMPORAL_API_KEY must mean what it says.
 */
export function temporalConnectionOptions(config: PipelineConfig['temporal']): TemporalConnectionOptions {
  const { tls } = config;
  return {
    address: config.address,
    tls: tls
      ? {
          ...(tls.serverName ? { serverNameOverride: tls.serverName } : {}),
          ...(tls.ca ? { serverRootCACertificate: Buffer.from(tls.ca.pem) } : {}),
          ...(tls.clientCert ? { clientCertPair: { crt: Buffer.from(tls.clientCert.cert.pem), key: Buffer.from(tls.clientCert.key.reveal().pem) } } : {}),
        }
      : false,
    // Both SDK connections take the key natively (1.24.0) and send it as `authorization: Bearer <key>`.
    ...(config.apiKey ? { apiKey: config.apiKey.reveal() } : {}),
  };
}
