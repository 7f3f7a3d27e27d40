import fs from 'node:fs';
import path from 'node:path';
import { loadStackSettings } from '../../src/dev/stack/settings';
import { stackUp } from '../../src/dev/stack/stack';

/**
 * Integration tests talk to the real local stack (with STACK_TLS=1 unless set otherwise). Bring it up when it is not running, and remember
 * that we did so the teardown stops only what the tests started.
 */
export default async function globalSetup(): Promise<void> {
  // The stack with its TLS listeners too (the TLS suite needs them; the other tests use the plaintext ones).
  process.env.STACK_TLS ??= '1';
  const settings = loadStackSettings();
  const result = await stackUp(settings, (message) => process.stdout.write(`[stack] ${message}\n`));
  const marker = path.join(settings.dataDir, 'run', 'started-by-tests.json');
  if (result.started.length > 0) fs.writeFileSync(marker, JSON.stringify(result.started));
}
