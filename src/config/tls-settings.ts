import type { ConnectionOptions } from 'node:tls';
import { ConfigError, requireTogether } from './parse-env';
import type { PemFile, PemKind } from './pem-file';
import { Secret } from './secret';

/** TLS towards one server. Its presence means TLS is on; with no CA, Node's trust store checks the server. */
export interface TlsSettings {
  /** The CA certificate(s) that sign the server's certificate. */
  ca?: PemFile;
  /** A client certificate and its key, for servers that require mutual TLS. */
  clientCert?: { cert: PemFile; key: Secret<PemFile> };
}

export type TlsServer = 'KAFKA' | 'TEMPORAL' | 'CASSANDRA';

/** The `<SERVER>_TLS*` variables as parsed. */
export interface TlsVariables {
  tls?: boolean;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

export interface TlsRules {
  /** Other variables, already set, that only make sense over TLS (e.g. TEMPORAL_TLS_SERVER_NAME). */
  requiresTls?: string[];
  /** TLS unless `<SERVER>_TLS=false` is given (e.g. with TEMPORAL_API_KEY, as Temporal Cloud needs TLS). */
  onByDefault?: boolean;
}

export type ReadPem = (variable: string, path: string, kind: PemKind) => PemFile;

/**
 * TLS is on when `<SERVER>_TLS=true`, or when a TLS file is named; `<SERVER>_TLS=false` next to a file is a
 * contradiction, not a silent choice. Files are read through `readPem`, so the rules stay testable without disk.
 */
export function resolveTls(server: TlsServer, variables: TlsVariables, readPem: ReadPem, rules: TlsRules = {}): TlsSettings | undefined {
  const names = { tls: `${server}_TLS`, ca: `${server}_TLS_CA_FILE`, cert: `${server}_TLS_CERT_FILE`, key: `${server}_TLS_KEY_FILE` };
  const named = [
    ...(variables.caFile !== undefined ? [names.ca] : []),
    ...(variables.certFile !== undefined ? [names.cert] : []),
    ...(variables.keyFile !== undefined ? [names.key] : []),
    ...(rules.requiresTls ?? []),
  ];
  if (variables.tls === false && named.length > 0) {
    throw new ConfigError(`${names.tls}=false contradicts ${named[0]}, which needs TLS: unset ${names.tls} or ${named[0]}`);
  }
  requireTogether([
    [names.cert, variables.certFile],
    [names.key, variables.keyFile],
  ]);
  if (!(variables.tls ?? (named.length > 0 || rules.onByDefault === true))) return undefined;
  return {
    ...(variables.caFile !== undefined ? { ca: readPem(names.ca, variables.caFile, 'certificate') } : {}),
    ...(variables.certFile !== undefined && variables.keyFile !== undefined
      ? { clientCert: { cert: readPem(names.cert, variables.certFile, 'certificate'), key: new Secret(readPem(names.key, variables.keyFile, 'private key')) } }
      : {}),
  };
}

/**
 * The settings as Node's `tls.connect` options, for kafkajs and the Cassandra driver. Verification is
 * stated, not inherited: the Cassandra driver turns `rejectUnauthorized` off unless told otherwise.
 */
export function nodeTlsOptions(settings: TlsSettings): ConnectionOptions {
  return {
    rejectUnauthorized: true,
    ...(settings.ca ? { ca: settings.ca.pem } : {}),
    ...(settings.clientCert ? { cert: settings.clientCert.cert.pem, key: settings.clientCert.key.reveal().pem } : {}),
  };
}
