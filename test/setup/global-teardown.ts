import fs from 'node:fs';
import path from 'node:path';
import { loadStackSettings } from '../../src/dev/stack/settings';
import { stackDown } from '../../src/dev/stack/stack';

/** Stops the stack only if the global setup started it, unless KEEP_STACK=1 asks to keep it for the next run. */
export default async function globalTeardown(): Promise<void> {
  const settings = loadStackSettings();
  const marker = path.join(settings.dataDir, 'run', 'started-by-tests.json');
  if (!fs.existsSync(marker)) return;
  fs.rmSync(marker);
  if (process.env.KEEP_STACK === '1') return;
  await stackDown(settings, { purge: false }, (message) => process.stdout.write(`[stack] ${message}\n`));
}
