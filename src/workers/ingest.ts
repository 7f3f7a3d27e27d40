import { Worker } from '@temporalio/worker';
import type { Kafka } from 'kafkajs';
import { withHeartbeats } from '../activities/heartbeats';
import { createFetchActivities } from '../activities/ingest/fetch-users';
import { createPublishActivities } from '../activities/ingest/publish-users';
import { createQuarantineActivities } from '../activities/ingest/quarantine-users';
import type { PipelineConfig } from '../config/pipeline-config';
import { createProducer } from '../kafka/client';
import type { PipelineCounters } from '../metrics/pipeline-counters';
import type { TemporalClients } from '../pipeline/clients';
import { SourceHealthGate } from '../source-health/source-health-gate';
import type { SourceClient } from '../source/client';
import { lastingFailureCause } from '../source/lasting-failure';
import { runWorker, workflowCode, type RunningWorker } from './run-worker';

export interface IngestWorkerDeps {
  config: PipelineConfig;
  temporal: TemporalClients;
  kafka: Kafka;
  source: SourceClient;
  counters: PipelineCounters;
  /** Where the source health gate says what it does; console by default. */
  log?: (line: string) => void;
  /** Connects the producer once Kafka answers (PipelineClients.whenKafkaUp); at once if unset. */
  whenKafkaUp?: <T>(connect: () => Promise<T>) => Promise<T>;
}

/** The ingest worker: runs slot workflows and their fetch and publish activities, on the clients it is given. */
export async function startIngestWorker(deps: IngestWorkerDeps): Promise<RunningWorker> {
  const { config, counters } = deps;
  const producer = createProducer(deps.kafka);
  await (deps.whenKafkaUp ? deps.whenKafkaUp(() => producer.connect()) : producer.connect());
  const gate = config.sourceHealth.enabled
    ? new SourceHealthGate({
        temporal: deps.temporal.client,
        schedule: config.schedule,
        settings: config.sourceHealth,
        probe: async () => void (await deps.source.fetchPage({ results: 1, seed: 'source-health-probe', page: 1 })),
        log: deps.log ?? ((line) => console.log(line)),
        onChange: (closed) => (counters.sourceGateClosed = closed),
      })
    : undefined;
  if (gate) {
    counters.sourceGateClosed = false;
    await gate.adoptPause().catch(() => undefined); // no schedule yet: nothing to adopt
  }
  const worker = await Worker.create({
    connection: deps.temporal.connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.ingestTaskQueue,
    ...workflowCode(config),
    activities: withHeartbeats({
      ...createFetchActivities({
        source: deps.source,
        onFetched: (count) => {
          counters.usersFetched += count;
          gate?.fetched();
        },
        onFetchFailed: (error, input) => gate?.failed(input.slotTime, lastingFailureCause(error)),
      }),
      ...createPublishActivities({
        producer,
        topic: config.kafka.topic,
        onPublished: (count, slotDone) => {
          counters.usersPublished += count;
          if (slotDone) counters.slotsRun += 1;
        },
      }),
      ...createQuarantineActivities({
        producer,
        dlqTopic: config.kafka.dlqTopic,
        onQuarantined: (count) => (counters.sourceRejected += count),
      }),
    }),
  });
  return runWorker(worker, async () => {
    gate?.stop();
    await producer.disconnect();
  });
}
