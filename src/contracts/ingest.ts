/**
 * The shapes that cross the workflow boundary on the ingest side: what a slot workflow is started with
 * and returns, and the activities it calls. Plain data, no driver: the workflow bundle, the activities
 * and the schedule code all import it.
 */
import type { UserRecord } from '../record/user-record';

export interface IngestSlotInput {
  scheduleId: string;
  usersPerSlot: number;
  /** Set to re-run one slot by hand; a scheduled run takes its slot from the schedule. */
  slotTime?: string;
}

export interface IngestSlotResult {
  slotTime: string;
  seed: string;
  fetched: number;
  published: number;
  /** Ids of the users the slot fetched, in order: what `pipeline audit` reconciles against Cassandra. Absent in slots run before it was recorded. */
  ids?: string[];
}

export interface FetchUsersInput {
  seed: string;
  page: number;
  pageSize: number;
  /** How many of the page's users this slot needs (the last page may need fewer than pageSize). */
  take: number;
  slotTime: string;
}

/** Which schedule slot produced a record: carried in its Kafka headers. */
export interface SlotIdentity {
  scheduleId: string;
  slotTime: string;
  workflowId: string;
}

export interface PublishUsersInput {
  records: UserRecord[];
  slot: SlotIdentity;
  /** The slot's last page: the slot counts as run once it is published. */
  lastPage: boolean;
}

export interface FetchActivities {
  fetchUsers(input: FetchUsersInput): Promise<UserRecord[]>;
}

export interface PublishActivities {
  publishUsers(input: PublishUsersInput): Promise<number>;
}

/** Raised when a slot time given by hand is not a timestamp. */
export const INVALID_SLOT_TIME = 'InvalidSlotTime';
