#!/usr/bin/env node
// The package's `pipeline` command: runs the TypeScript CLI through tsx (a runtime dependency).
require('tsx/cjs');
const { runPipelineCli } = require('../src/cli/pipeline.ts');

runPipelineCli(process.argv.slice(2)).then((code) => process.exit(code));
