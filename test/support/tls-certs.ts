import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function openssl(dir: string, args: string[]): void {
  const result = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${result.stderr}`);
}

/**
 * Certificates for the TLS failure tests, in a folder of their own: a CA the stack's servers do not
 * use, and a localhost server certificate signed by the stack's CA that expired in 2020.
 */
export function failureCertificates(stackCa: { cert: string; key: string }): { dir: string; otherCa: string; expiredCert: string; expiredKey: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tls-failures-'));
  openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'other-ca.key', '-out', 'other-ca.pem', '-days', '30', '-subj', '/CN=a CA nobody here trusts']);
  openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'expired.key', '-out', 'expired.csr', '-subj', '/CN=localhost']);
  fs.writeFileSync(path.join(dir, 'index.txt'), '');
  fs.writeFileSync(path.join(dir, 'serial'), '1000\n');
  fs.writeFileSync(path.join(dir, 'ca.cnf'), [
    '[ca]', 'default_ca = expired_ca', '[expired_ca]', `database = ${path.join(dir, 'index.txt')}`, `new_certs_dir = ${dir}`,
    `serial = ${path.join(dir, 'serial')}`, 'default_md = sha256', 'policy = any', 'x509_extensions = server', '[any]', 'commonName = supplied',
    '[server]', 'subjectAltName = DNS:localhost,IP:127.0.0.1', 'extendedKeyUsage = serverAuth', '',
  ].join('\n'));
  openssl(dir, ['ca', '-batch', '-config', 'ca.cnf', '-cert', stackCa.cert, '-keyfile', stackCa.key, '-in', 'expired.csr', '-out', 'expired.pem', '-startdate', '20200101000000Z', '-enddate', '20200102000000Z']);
  return {
    dir,
    otherCa: path.join(dir, 'other-ca.pem'),
    expiredCert: path.join(dir, 'expired.pem'),
    expiredKey: path.join(dir, 'expired.key'),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
