import { withHeartbeats } from './heartbeats';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { Kafka } from 'kafkajs';
import { createFetchActivities } from '../activities/fetch-users';
import { createProducer } from '../kafka/client';
import { createPublishActivities } from '../activities/publish-users';
import type { PipelineConfig } from '../config/pipeline-config';
import type { PipelineCounters } from '../metrics/pipeline-counters';
import type { SourceClient } from '../source/client';
import { temporalConnectionOptions } from '../temporal/connection-options';

export interface RunningWorker {
  /** Resolves when the worker stopped; rejects if it failed. */
  done: Promise<void>;
  /** Lets in-flight tasks finish, then stops. */
  stop(): Promise<void>;
}

/** The ingest worker: runs slot workflows and their fetch and publish activities. */
export async function startIngestWorker(deps: { config: PipelineConfig; kafka: Kafka; source: SourceClient; counters: PipelineCounters }): Promise<RunningWorker> {
  const { config, counters } = deps;
  const producer = createProducer(deps.kafka);
  await producer.connect();
  const connection = await NativeConnection.connect(temporalConnectionOptions(config.temporal));
  const fetchActivities = createFetchActivities({ source: deps.source });
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.ingestTaskQueue,
    ...workflowCode(config),
    activities: withHeartbeats({
      async fetchUsers(input: Parameters<typeof fetchActivities.fetchUsers>[0]) {
        const records = await fetchActivities.fetchUsers(input);
        counters.usersFetched += records.length;
        return records;
      },
      ...createPublishActivities({
        producer,
        topic: config.kafka.topic,
        onPublished: (count, slotDone) => {
          counters.usersPublished += count;
          if (slotDone) counters.slotsRun += 1;
        },
      }),
    }),
  });
  return runWorker(worker, async () => {
    await producer.disconnect();
    await connection.close();
  });
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

/** Runs a Temporal worker in the background; `stop` shuts it down gracefully and releases its clients. */
export function runWorker(worker: Worker, release: () => Promise<void>): RunningWorker {
  const done = worker.run().finally(release);
  return {
    done,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done;
    },
  };
}
