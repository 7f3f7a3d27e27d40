import type { PipelineProducer } from '../../kafka/client';
import type { QuarantineActivities, QuarantineUsersInput } from '../../contracts/ingest';
import { sendAcknowledged } from '../../kafka/client';
import { toSourceRejectLetter } from '../../kafka/dead-letter';
import { CURRENT_SCHEMA_VERSION } from '../../record/user-record';
import { HEADER } from './publish-users';

/**
 * Quarantines a page's rejected users on the dead-letter topic, beside the sink's dead letters, so
 * `pipeline dlq list` shows both. Each letter is keyed by its slot run, page and position: a retried
 * send may store a copy, and every reader counts the copies of one key once.
 */
export function createQuarantineActivities(deps: { producer: PipelineProducer; dlqTopic: string; now?: () => Date; onQuarantined?: (count: number) => void }): QuarantineActivities {
  const now = deps.now ?? (() => new Date());
  return {
    async quarantineUsers(input: QuarantineUsersInput): Promise<string[]> {
      const { slot } = input;
      const headers = {
        [HEADER.scheduleId]: slot.scheduleId,
        [HEADER.slotTime]: slot.slotTime,
        [HEADER.workflowId]: slot.workflowId,
        [HEADER.schemaVersion]: String(CURRENT_SCHEMA_VERSION),
      };
      const at = now();
      const messages = input.rejects.map((reject) => toSourceRejectLetter(reject, slot, headers, at));
      await sendAcknowledged(deps.producer, { topic: deps.dlqTopic, acks: -1, messages });
      deps.onQuarantined?.(messages.length);
      return messages.map((m) => m.key);
    },
  };
}
