import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PrerequisiteError } from './provision';
import type { StackSettings } from './settings';

/** The local stack's throwaway certificates (STACK_TLS=1), under `<STACK_DIR>/tls/`. */
export interface StackTlsFiles {
  dir: string;
  /** The stack's CA: the certificate every client trusts, and its key (tests sign certificates of their own with it). */
  ca: string;
  caKey: string;
  /** The servers' certificate (localhost, 127.0.0.1) and key, and both in one file (Kafka, Cassandra). */
  serverCert: string;
  serverKey: string;
  serverKeyAndCert: string;
  /** A client certificate the servers accept (mTLS), and its key. */
  clientCert: string;
  clientKey: string;
}

export function stackTlsFiles(settings: StackSettings): StackTlsFiles {
  const dir = path.join(settings.dataDir, 'tls');
  return {
    dir,
    ca: path.join(dir, 'ca.pem'),
    caKey: path.join(dir, 'ca.key'),
    serverCert: path.join(dir, 'server.pem'),
    serverKey: path.join(dir, 'server.key'),
    serverKeyAndCert: path.join(dir, 'server-key-and-cert.pem'),
    clientCert: path.join(dir, 'client.pem'),
    clientKey: path.join(dir, 'client.key'),
  };
}

function openssl(dir: string, args: string[]): void {
  const result = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new PrerequisiteError('STACK_TLS=1 needs openssl on PATH (Debian: apt-get install openssl)');
  }
  if (result.status !== 0) throw new Error(`openssl ${args[0]} failed: ${(result.stderr || result.stdout).trim().split('\n').at(-1)}`);
}

/**
 * Creates the CA, the servers' certificate and a client certificate once (kept across restarts, so
 * clients configured with them keep working); keys are unencrypted PKCS#8, which Kafka's and
 * Cassandra's PEM key stores read. Returns where they are.
 */
export function ensureStackTls(settings: StackSettings): StackTlsFiles {
  const files = stackTlsFiles(settings);
  if ([files.ca, files.serverKeyAndCert, files.clientCert, files.clientKey].every((file) => fs.existsSync(file))) return files;
  fs.mkdirSync(files.dir, { recursive: true, mode: 0o700 });
  const { dir } = files;
  openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '3650', '-subj', '/CN=random-names local stack CA']);
  const sign = (name: string, subject: string, extensions: string) => {
    openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
    fs.writeFileSync(path.join(dir, `${name}.ext`), extensions);
    openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '825', '-extfile', `${name}.ext`]);
  };
  sign('server', '/CN=localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  sign('client', '/CN=random-names-pipeline', 'extendedKeyUsage=clientAuth\n');
  fs.writeFileSync(files.serverKeyAndCert, fs.readFileSync(files.serverKey, 'utf8') + fs.readFileSync(files.serverCert, 'utf8'), { mode: 0o600 });
  return files;
}
