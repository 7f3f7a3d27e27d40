import { ApplicationFailure } from '@temporalio/activity';
import type { FetchActivities, FetchUsersInput } from '../../contracts/ingest';
import type { SourceClient } from '../../source/client';
import { splitPage, type SplitPage } from '../../record/source-reject';

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
  /** Users of a page that could not become records (quarantined by the workflow). */
  onRejected?: (count: number, input: FetchUsersInput) => void;
  /** Every failed request to the source, before it becomes the activity's failure. */
  onFetchFailed?: (error: unknown, input: FetchUsersInput) => void;
}): FetchActivities {
  const now = deps.now ?? (() => new Date());
  return {
    /**
     * Fetches one page of a slot's users and splits it: each user is validated and mapped on its own
     * (record/source-reject.ts), so a bad user is a reject and its page's good users still flow. Only a
     * page that is unusable as a whole (not JSON, cut short, no results) fails the request. A page too
     * large for one activity result comes in parts: this returns the part from `input.from`, and where the
     * next one starts (the source serves the same page again for it).
     */
    async fetchUsers(input: FetchUsersInput): Promise<SplitPage> {
      let page;
      try {
        page = await deps.source.fetchPage({ results: input.pageSize, seed: input.seed, page: input.page });
      } catch (error) {
        deps.onFetchFailed?.(error, input);
        throw toActivityFailure(error);
      }
      const split = splitPage(page.users, input.take, { page: input.page, sourceUrl: page.url, slotTime: new Date(input.slotTime), fetchedAt: now() }, input.from ?? 0);
      deps.onFetched?.(split.records.length + split.rejects.length, input);
      if (split.rejects.length > 0) deps.onRejected?.(split.rejects.length, input);
      return split;
    },
  };
}

export type { FetchActivities } from '../../contracts/ingest';
