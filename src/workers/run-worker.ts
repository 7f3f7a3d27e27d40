import type { Worker } from '@temporalio/worker';
import type { PipelineConfig } from '../config/pipeline-config';

export interface RunningWorker {
  /** Resolves when the worker stopped; rejects if it failed. */
  done: Promise<void>;
  /** Lets in-flight tasks finish, then stops. Leaves the process's clients open: their owner closes them. */
  stop(): Promise<void>;
}

/**
 * Where a worker gets its workflow code: the bundle built ahead of time when WORKFLOW_BUNDLE_PATH names
 * one (the Docker image: no webpack run at every start, every replica runs the same code), else
 * bundled from source at start.
 */
export function workflowCode(config: PipelineConfig): { workflowBundle: { codePath: string } } | { workflowsPath: string } {
  const codePath = config.temporal.workflowBundlePath;
  return codePath ? { workflowBundle: { codePath } } : { workflowsPath: require.resolve('../workflows') };
}

/** Runs a Temporal worker in the background; `stop` shuts it down gracefully, then runs `release`. */
export function runWorker(worker: Worker, release: () => Promise<void> = async () => {}): RunningWorker {
  const done = worker.run().finally(release);
  return {
    done,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
