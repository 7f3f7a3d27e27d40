// Bundles the workflow code ahead of time, for the Docker image: `npx tsx scripts/bundle-workflows.ts [out]`
// writes dist/workflow-bundle.js; workers started with WORKFLOW_BUNDLE_PATH load it instead of bundling.
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, type Logger } from '@temporalio/worker';

export const DEFAULT_BUNDLE_PATH = path.resolve(__dirname, '..', 'dist', 'workflow-bundle.js');

/** Bundles src/workflows (everything the workers register) into one file; returns its size in bytes. */
export async function writeWorkflowBundle(outFile: string, logger?: Logger): Promise<number> {
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../src/workflows'), ...(logger ? { logger } : {}) });
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, code);
  return Buffer.byteLength(code);
}

if (require.main === module) {
  const outFile = path.resolve(process.argv[2] ?? DEFAULT_BUNDLE_PATH);
  writeWorkflowBundle(outFile).then(
    (bytes) => console.log(`workflow bundle: ${path.relative(process.cwd(), outFile)} (${Math.round(bytes / 1024)} KiB)`),
    (error: unknown) => {
      console.error(`error: could not bundle the workflows: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
