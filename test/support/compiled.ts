import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

// scripts/build.js is plain JavaScript, shared with `npm start` and the `pipeline` command.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureBuilt } = require(path.join(ROOT, 'scripts', 'build.js')) as { ensureBuilt(options?: { quiet?: boolean }): Promise<void> };

let built: Promise<void> | undefined;

/**
 * The compiled entry point (dist/<entry>.js) that `npm start`, the npm scripts and the image run, built
 * first when a source file is newer than dist/: the processes a test starts run what ships.
 */
export async function compiledEntry(entry: string): Promise<string> {
  built ??= ensureBuilt({ quiet: true });
  await built;
  return path.join(ROOT, 'dist', `${entry}.js`);
}
