import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { StackService } from '../service';
import { ensureStackTls, stackTlsFiles } from '../tls';
import { probeNamespace } from './temporal';

/** The terminator's entry point: compiled beside this file, or run through tsx from source. */
function terminatorCommand(): string[] {
  const compiled = path.join(__dirname, '..', 'tls-terminator.js');
  return __filename.endsWith('.js') && fs.existsSync(compiled) ? [compiled] : ['--import', 'tsx', path.join(__dirname, '..', 'tls-terminator.ts')];
}

/**
 * STACK_TLS=1: TLS with client certificates in front of Temporal's dev server (which has none), so the
 * SDK's TLS settings meet a real handshake: TEMPORAL_ADDRESS=127.0.0.1:7234 with the stack's CA and
 * client certificate.
 */
export const temporalTlsService: StackService = {
  name: 'temporal-tls',
  kind: 'temporal',

  ports: (settings) => [{ host: '127.0.0.1', port: settings.tls.temporalPort }],

  async provision() {},

  async prepare({ settings }) {
    ensureStackTls(settings);
  },

  launchSpec: (settings) => {
    const tls = stackTlsFiles(settings);
    return {
      name: 'temporal-tls',
      command: process.execPath,
      args: [...terminatorCommand(), String(settings.tls.temporalPort), String(settings.temporal.port), tls.serverCert, tls.serverKey, tls.ca],
      cwd: settings.dataDir,
      logFile: path.join(settings.dataDir, 'logs', 'temporal-tls.log'),
      marker: 'tls-terminator',
    };
  },

  async probe(settings) {
    const tls = stackTlsFiles(settings);
    await probeNamespace(await Connection.connect({
      address: `127.0.0.1:${settings.tls.temporalPort}`,
      connectTimeout: 2000,
      tls: {
        serverNameOverride: 'localhost',
        serverRootCACertificate: fs.readFileSync(tls.ca),
        clientCertPair: { crt: fs.readFileSync(tls.clientCert), key: fs.readFileSync(tls.clientKey) },
      },
    }));
  },

  addresses: (settings) => [`gRPC over TLS 127.0.0.1:${settings.tls.temporalPort} (client certificate required)`],
};
