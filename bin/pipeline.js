#!/usr/bin/env node
// The package's `pipeline` command: runs the compiled CLI (dist/), building it first when a source file
// is newer than the build (a checkout after a pull); the image ships dist/ and no src/, so it never builds.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

async function main() {
  const build = path.join(__dirname, '..', 'scripts', 'build.js');
  if (fs.existsSync(build)) await require(build).ensureBuilt({ quiet: true });
  const { runPipelineCli } = require('../dist/cli/pipeline.js');
  return runPipelineCli(process.argv.slice(2));
}

/** Exits once stdout and stderr have drained: a bare process.exit cuts off output still queued for a pipe. */
function finish(code) {
  try {
    require('../dist/logging/exit-when-drained.js').exitWhenDrained(code);
  } catch {
    process.exitCode = code; // no build to exit with: Node exits by itself once the output is out
  }
}

main().then(finish, (error) => {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  finish(1);
});
