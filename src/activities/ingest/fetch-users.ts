import { ApplicationFailure } from '@temporalio/activity';
import type { FetchActivities, FetchUsersInput } from '../../contracts/ingest';
import type { SourceClient } from '../../source/client';
import { toUserRecord, type UserRecord } from '../../record/user-record';

/** A source failure becomes a Temporal failure: retried when retrying can help, final when it cannot. */
export function toActivityFailure(error: unknown): ApplicationFailure {
  const e = error as { name?: string; message?: string; retryable?: boolean; retryAfterMs?: number };
  const type = e.name ?? 'Error';
  const message = e.message ?? String(error);
  if (e.retryable === false) return ApplicationFailure.nonRetryable(message, type);
  return ApplicationFailure.create({ message, type, nonRetryable: false, ...(e.retryAfterMs ? { nextRetryDelay: e.retryAfterMs } : {}) });
}

export function createFetchActivities(deps: {
  source: SourceClient;
  now?: () => Date;
  onFetched?: (count: number, input: FetchUsersInput) => void;
  /** Every failed request to the source, before it becomes the activity's failure. */
  onFetchFailed?: (error: unknown, input: FetchUsersInput) => void;
}): FetchActivities {
  const now = deps.now ?? (() => new Date());
  return {
    /** Fetches one page of a slot's users and maps them to records (pure mapping, see record/). */
    async fetchUsers(input: FetchUsersInput): Promise<UserRecord[]> {
      let users;
      try {
        users = await deps.source.fetchUsers({ results: input.pageSize, seed: input.seed, page: input.page });
      } catch (error) {
        deps.onFetchFailed?.(error, input);
        throw toActivityFailure(error);
      }
      const fetchedAt = now();
      const slotTime = new Date(input.slotTime);
      let records: UserRecord[];
      try {
        records = users.slice(0, input.take).map((user) => toUserRecord(user, { slotTime, fetchedAt }));
      } catch (error) {
        throw ApplicationFailure.nonRetryable(`source user cannot be mapped: ${(error as Error).message}`, 'UnmappableUser');
      }
      deps.onFetched?.(records.length, input);
      return records;
    },
  };
}

export type { FetchActivities } from '../../contracts/ingest';
