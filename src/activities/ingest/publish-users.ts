import type { PipelineProducer } from '../../kafka/client';
import { sendAcknowledged } from '../../kafka/client';
import type { PublishActivities, PublishUsersInput } from '../../contracts/ingest';
import { CURRENT_SCHEMA_VERSION } from '../../record/user-record';

/** Headers on every published record: which schedule slot produced it, and the value's schema. */
export const HEADER = {
  scheduleId: 'pipeline-schedule-id',
  slotTime: 'pipeline-slot-time',
  workflowId: 'pipeline-workflow-id',
  schemaVersion: 'pipeline-schema-version',
} as const;

/** A retried send may store a record twice (see createProducer); the consumer's upsert by id absorbs it. */
export function createPublishActivities(deps: { producer: PipelineProducer; topic: string; onPublished?: (count: number, slotDone: boolean) => void }): PublishActivities {
  return {
    /** Publishes a slot's records keyed by user id, waiting for all in-sync replicas. Returns how many. */
    async publishUsers(input: PublishUsersInput): Promise<number> {
      const headers = {
        [HEADER.scheduleId]: input.slot.scheduleId,
        [HEADER.slotTime]: input.slot.slotTime,
        [HEADER.workflowId]: input.slot.workflowId,
        [HEADER.schemaVersion]: String(CURRENT_SCHEMA_VERSION),
      };
      await sendAcknowledged(deps.producer, {
        topic: deps.topic,
        acks: -1,
        messages: input.records.map((record) => ({ key: record.id, value: JSON.stringify(record), headers })),
      });
      deps.onPublished?.(input.records.length, input.lastPage);
      return input.records.length;
    },
  };
}

export type { PublishActivities } from '../../contracts/ingest';
