/**
 * The shapes that cross the workflow boundary on the ingest side: what a slot workflow is started with
 * and returns, and the activities it calls. Plain data, no driver: the workflow bundle, the activities
 * and the schedule code all import it.
 */
import type { SourceReject, SplitPage } from '../record/source-reject';
import type { UserRecord } from '../record/user-record';

export type { SourceReject, SplitPage } from '../record/source-reject';
export type { UserRecord } from '../record/user-record';

export interface IngestSlotInput {
  scheduleId: string;
  usersPerSlot: number;
  /** Set to re-run one slot by hand; a scheduled run takes its slot from the schedule. */
  slotTime?: string;
}

export interface IngestSlotResult {
  slotTime: string;
  seed: string;
  /** Users the source served to the slot: published + rejected. */
  fetched: number;
  published: number;
  /** Users that could not become records: quarantined on the dead-letter topic. Absent in slots run before rejects existed. */
  rejected?: number;
  /** The dead-letter keys of the quarantined users, with their uuid when they had one: what the audit looks for. */
  rejects?: RejectedUser[];
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
  /** The page's user to start at: set for the parts after the first of a page too large for one (SplitPage.next). */
  from?: number;
}

export interface RejectedUser {
  key: string;
  uuid?: string;
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
  /** A page's users split into records and rejects. (Slots run before rejects existed recorded a plain array of records.) */
  fetchUsers(input: FetchUsersInput): Promise<SplitPage>;
}

export interface QuarantineUsersInput {
  rejects: SourceReject[];
  slot: SlotRunIdentity;
}

/** A slot's run: the identity of its rejects, so each is quarantined once per run however often it is retried. */
export interface SlotRunIdentity extends SlotIdentity {
  runId: string;
}

export interface QuarantineActivities {
  /** Writes each rejected user to the dead-letter topic; returns the dead-letter keys, in order. */
  quarantineUsers(input: QuarantineUsersInput): Promise<string[]>;
}

export interface PublishActivities {
  publishUsers(input: PublishUsersInput): Promise<number>;
}

/** Raised when a slot time given by hand is not a timestamp. */
export const INVALID_SLOT_TIME = 'InvalidSlotTime';
