import { ApplicationFailure, proxyActivities, workflowInfo } from '@temporalio/workflow';
import {
  INVALID_SLOT_TIME,
  type FetchActivities,
  type IngestSlotInput,
  type IngestSlotResult,
  type PublishActivities,
  type QuarantineActivities,
  type RejectedUser,
  type SplitPage,
  type UserRecord,
} from '../contracts/ingest';
import { scheduledTimeOf } from '../contracts/scheduled-time';

export type { IngestSlotInput, IngestSlotResult } from '../contracts/ingest';

/** The source serves at most this many users per request; bigger slots are fetched page by page. */
export const PAGE_SIZE = 1000;

// The workers heartbeat every second, so a worker that died mid-activity is noticed within 5 s.
const { fetchUsers } = proxyActivities<FetchActivities>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: '5 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 8 },
});

const { publishUsers, quarantineUsers } = proxyActivities<PublishActivities & QuarantineActivities>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: '5 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds', maximumAttempts: 20 },
});

/**
 * One schedule slot: fetch the slot's users and publish them to Kafka. The fetch is seeded from the
 * slot time, so every run of the same slot (retry, backfill, re-run) yields the same users and keys.
 */
export async function ingestSlot(input: IngestSlotInput): Promise<IngestSlotResult> {
  const info = workflowInfo();
  const slot = input.slotTime ? new Date(input.slotTime) : scheduledTimeOf(info);
  if (Number.isNaN(slot.getTime())) throw ApplicationFailure.nonRetryable(`slotTime "${input.slotTime}" is not a timestamp`, INVALID_SLOT_TIME);
  const slotTime = slot.toISOString();
  const seed = `${input.scheduleId}@${slotTime}`;
  const pageSize = Math.min(PAGE_SIZE, input.usersPerSlot);
  let fetched = 0;
  let published = 0;
  const ids: string[] = [];
  const rejected: RejectedUser[] = [];
  const identity = { scheduleId: input.scheduleId, slotTime, workflowId: info.workflowId };
  for (let page = 1; fetched < input.usersPerSlot; page++) {
    const take = Math.min(pageSize, input.usersPerSlot - fetched);
    let served = 0;
    // A page comes in parts when its users are too large to travel through history at once (PAGE_PART_BYTES).
    for (let from: number | undefined = 0; from !== undefined; ) {
      const { records, rejects, next } = asSplitPage(await fetchUsers({ seed, page, pageSize, take, slotTime, ...(from > 0 ? { from } : {}) }));
      served += records.length + rejects.length;
      for (const record of records) ids.push(record.id);
      // A bad user costs only itself: it is quarantined with its reason, and its page's good users flow on.
      if (rejects.length > 0) {
        const keys = await quarantineUsers({ rejects, slot: { ...identity, runId: info.runId } });
        rejects.forEach((reject, i) => rejected.push({ key: keys[i]!, ...(reject.uuid !== undefined ? { uuid: reject.uuid } : {}) }));
      }
      from = next;
      const lastPage = from === undefined && (fetched + served >= input.usersPerSlot || served < take);
      published += await publishUsers({ records, slot: identity, lastPage });
    }
    fetched += served;
    if (served < take) break;
  }
  return { slotTime, seed, fetched, published, ids, ...(rejected.length > 0 ? { rejected: rejected.length, rejects: rejected } : { rejected: 0 }) };
}

/** Slots run before rejects existed recorded their fetches as plain arrays of records; their replays still read them. */
function asSplitPage(fetched: SplitPage | UserRecord[]): SplitPage {
  return Array.isArray(fetched) ? { records: fetched, rejects: [] } : fetched;
}
