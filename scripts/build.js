#!/usr/bin/env node
// Compiles src/ to dist/ and bundles the workflow code into dist/workflow-bundle.js, which the compiled
// workers load. `node scripts/build.js` (`npm run build`, the image) compiles with tsc, types checked.
// `--if-stale` returns at once when dist/ is newer than every source file, so `npm start` and the
// `pipeline` command build only after a change; and when it builds, it transpiles each file with esbuild
// (about 1 s where tsc takes 12), leaving the type check to `npm test` and `npm run typecheck`.
// Plain JavaScript on purpose: it runs before anything is compiled.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const STAMP = path.join(DIST, '.build-stamp');
const BUNDLE = path.join(DIST, 'workflow-bundle.js');
/** What the compiled code depends on besides src/. */
const INPUTS = ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json', 'scripts/build.js'];

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

function mtimeOf(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

/** True when dist/ is missing or older than a source file (src/ absent, as in the image: never stale). */
function isStale() {
  if (!fs.existsSync(path.join(ROOT, 'src'))) return false;
  const built = mtimeOf(STAMP);
  if (built === 0 || !fs.existsSync(BUNDLE)) return true;
  const inputs = Math.max(newestMtime(path.join(ROOT, 'src')), ...INPUTS.map((file) => mtimeOf(path.join(ROOT, file))));
  return inputs > built;
}

function sourceFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** tsc's output without its type check: each file on its own (the code is written for isolatedModules). */
async function transpile() {
  const esbuild = require('esbuild');
  await esbuild.build({
    entryPoints: sourceFiles(path.join(ROOT, 'src')),
    outdir: DIST,
    outbase: path.join(ROOT, 'src'),
    format: 'cjs',
    platform: 'node',
    target: 'es2022',
    sourcemap: true,
    tsconfig: path.join(ROOT, 'tsconfig.build.json'),
    logLevel: 'error',
  });
  // tsc's incremental record no longer describes dist/: the next tsc build emits every file again.
  fs.rmSync(path.join(DIST, '.tsbuildinfo'), { force: true });
}

async function build({ quiet, typecheck }) {
  const say = (line) => quiet || console.error(line);
  const started = Date.now();
  if (typecheck) {
    say('building: tsc (src/ to dist/) …');
    const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, stdio: 'inherit' });
    if (tsc.status !== 0) throw new Error('tsc reported errors (above)');
  } else {
    say('building: src/ to dist/ (types are checked by npm test and npm run typecheck) …');
    await transpile();
  }
  say('building: workflow bundle …');
  const { bundleWorkflowCode, DefaultLogger } = require('@temporalio/worker');
  const { code } = await bundleWorkflowCode({
    workflowsPath: path.join(DIST, 'workflows', 'index.js'),
    logger: new DefaultLogger('WARN'),
    // The SDK needs an inline source map to point workflow stack traces at the TypeScript sources; their
    // text inside it (half the bundle) is read only with the worker's showStackTraceSources, which the
    // workers leave off. Without it, every worker process holds and parses about 0.8 MB less.
    webpackConfigHook: (config) => ({ ...config, devtool: 'inline-nosources-source-map' }),
  });
  fs.writeFileSync(BUNDLE, code);
  fs.writeFileSync(STAMP, `${new Date().toISOString()}\n`);
  say(`built dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Builds when asked to (with tsc), or when stale (transpiled); resolves once dist/ is current. */
async function ensureBuilt({ always = false, quiet = false } = {}) {
  if (always) return build({ quiet, typecheck: true });
  if (isStale()) await build({ quiet, typecheck: false });
}

module.exports = { ensureBuilt, isStale };

if (require.main === module) {
  const ifStale = process.argv.includes('--if-stale');
  ensureBuilt({ always: !ifStale }).catch((error) => {
    console.error(`error: could not build the pipeline: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
