import fs from 'node:fs';
import path from 'node:path';
import { loadStackSettings } from '../../src/dev/stack/settings';
import { stackUp } from '../../src/dev/stack/stack';
import { removeTestNetwork } from '../support/worker-hosts';

/**
 * Integration tests talk to the real local stack (with STACK_TLS=1 unless set otherwise). Bring it up when it is not running, and remember
 * that we did so the teardown stops only what the tests started.
 */
export default async function globalSetup(): Promise<void> {
  // The stack with its TLS listeners too (the TLS suite needs them; the other tests use the plaintext ones).
  process.env.STACK_TLS ??= '1';
  const settings = loadStackSettings();
  // Worker hosts a run that died left behind (network namespaces and links: see worker-hosts.ts).
  try {
    removeTestNetwork();
  } catch (error) {
    process.stdout.write(`[stack] could not check for leftover test hosts: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}\n`);
  }
  const result = await stackUp(settings, (message) => process.stdout.write(`[stack] ${message}\n`));
  const marker = path.join(settings.dataDir, 'run', 'started-by-tests.json');
  if (result.started.length > 0) fs.writeFileSync(marker, JSON.stringify(result.started));
}
