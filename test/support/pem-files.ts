import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface PemFiles {
  dir: string;
  /** A self-signed certificate, used as the CA and as the client certificate. */
  cert: string;
  /** The certificate's private key, unencrypted (PKCS#8). */
  key: string;
  /** The same key, encrypted with a passphrase. */
  encryptedKey: string;
  /** A file that is not PEM at all. */
  notPem: string;
  remove(): void;
}

/** Throwaway PEM files made by openssl in a fresh temporary directory. */
export function makePemFiles(): PemFiles {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-pem-'));
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', file('key.pem'), '-out', file('cert.pem'), '-days', '1', '-subj', '/CN=pipeline-test');
  openssl('pkey', '-in', file('key.pem'), '-aes256', '-passout', 'pass:pipeline-test', '-out', file('encrypted-key.pem'));
  fs.writeFileSync(file('not-pem.txt'), 'just some text\n');
  return {
    dir,
    cert: file('cert.pem'),
    key: file('key.pem'),
    encryptedKey: file('encrypted-key.pem'),
    notPem: file('not-pem.txt'),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
