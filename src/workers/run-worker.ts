import fs from 'node:fs';
import path from 'node:path';
import type { Worker } from '@temporalio/worker';
import type { PipelineConfig } from '../config/pipeline-config';
import { raceAbort } from '../concurrency/race-abort';

export interface RunningWorker {
  /** Resolves when the worker stopped; rejects if it failed. */
  done: Promise<void>;
  /**
   * Lets in-flight tasks finish, then stops. Leaves the process's clients open: their owner closes them.
   * Once `abandon` is aborted it stops waiting for them (Temporal retries them; a sink's batches stay uncommitted).
   */
  stop(abandon?: AbortSignal): Promise<void>;
  /** The batches a stop left uncommitted, as lines such as `random_names partition 2 offsets 100-199` (sink only). */
  uncommitted?(): string[];
}

/** The bundle `npm run build` writes beside the compiled code (dist/workflow-bundle.js). */
const BUILT_BUNDLE = path.resolve(__dirname, '..', 'workflow-bundle.js');

/**
 * Where a worker gets its workflow code: the bundle named by WORKFLOW_BUNDLE_PATH; else, when this is
 * the compiled code (dist/), the bundle built with it, so no webpack runs at start and every replica
 * runs the same code; else (TypeScript run from source, as in tests) bundled from source at start.
 */
export function workflowCode(config: PipelineConfig): { workflowBundle: { codePath: string } } | { workflowsPath: string } {
  const codePath = config.temporal.workflowBundlePath ?? (__filename.endsWith('.js') && fs.existsSync(BUILT_BUNDLE) ? BUILT_BUNDLE : undefined);
  return codePath ? { workflowBundle: { codePath } } : { workflowsPath: require.resolve('../workflows') };
}

/** Runs a Temporal worker in the background; `stop` shuts it down gracefully, then runs `release`. */
export function runWorker(worker: Worker, release: () => Promise<void> = async () => {}): RunningWorker {
  const done = worker.run().finally(release);
  return {
    done,
    async stop(abandon?: AbortSignal) {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await raceAbort(done, abandon);
    },
  };
}
