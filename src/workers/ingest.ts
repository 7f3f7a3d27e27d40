import { Worker } from '@temporalio/worker';
import type { Kafka } from 'kafkajs';
import { withHeartbeats } from '../activities/heartbeats';
import { createFetchActivities } from '../activities/ingest/fetch-users';
import { createPublishActivities } from '../activities/ingest/publish-users';
import type { PipelineConfig } from '../config/pipeline-config';
import { createProducer } from '../kafka/client';
import type { PipelineCounters } from '../metrics/pipeline-counters';
import type { TemporalClients } from '../pipeline/clients';
import type { SourceClient } from '../source/client';
import { runWorker, workflowCode, type RunningWorker } from './run-worker';

export interface IngestWorkerDeps {
  config: PipelineConfig;
  temporal: TemporalClients;
  kafka: Kafka;
  source: SourceClient;
  counters: PipelineCounters;
}

/** The ingest worker: runs slot workflows and their fetch and publish activities, on the clients it is given. */
export async function startIngestWorker(deps: IngestWorkerDeps): Promise<RunningWorker> {
  const { config, counters } = deps;
  const producer = createProducer(deps.kafka);
  await producer.connect();
  const worker = await Worker.create({
    connection: deps.temporal.connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.ingestTaskQueue,
    ...workflowCode(config),
    activities: withHeartbeats({
      ...createFetchActivities({ source: deps.source, onFetched: (count) => (counters.usersFetched += count) }),
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
  return runWorker(worker, () => producer.disconnect());
}
