import { describeFirstIssue } from '../source/describe-issue';
import { ApiUserSchema } from '../source/schema';
import { toUserRecord, UserMappingError, type UserRecord } from './user-record';

/** A quarantined user keeps at most this much of its JSON: enough to read and fix it, never a whole page. */
export const MAX_REJECT_RAW_BYTES = 16 * 1024;

/** One user of a source page that could not become a record, with what a person needs to act on it. */
export interface SourceReject {
  /** Where the user stood: the slot's page (from 1) and its position in that page (from 0). */
  page: number;
  index: number;
  /** The first problem, with its path in the user, e.g. `login.uuid is "x" (Invalid UUID)`. */
  reason: string;
  /** The user's JSON as it came, cut to MAX_REJECT_RAW_BYTES. */
  raw: string;
  /** The size of the whole JSON: more than `raw` holds when it was cut. */
  rawBytes: number;
  /** login.uuid when it is text, even malformed: what a person searches for. */
  uuid?: string;
  sourceUrl: string;
  fetchedAt: string;
}

/** A page split into the users that became records and the ones that did not. */
export interface SplitPage {
  records: UserRecord[];
  rejects: SourceReject[];
}

export interface PageProvenance {
  page: number;
  sourceUrl: string;
  slotTime: Date;
  fetchedAt: Date;
}

/**
 * Pure: validates and maps each of the first `take` users on its own, so a bad user costs only itself.
 * Users past `take` are not looked at (the slot does not need them).
 */
export function splitPage(users: readonly unknown[], take: number, provenance: PageProvenance): SplitPage {
  const records: UserRecord[] = [];
  const rejects: SourceReject[] = [];
  users.slice(0, take).forEach((user, index) => {
    const mapped = toRecordOrReason(user, provenance);
    if (mapped.ok) records.push(mapped.record);
    else rejects.push(toSourceReject(user, index, mapped.reason, provenance));
  });
  return { records, rejects };
}

/** A user as a record, or why it cannot be one (the API schema's first issue, or the mapping's). */
export function toRecordOrReason(user: unknown, provenance: { slotTime: Date; fetchedAt: Date }): { ok: true; record: UserRecord } | { ok: false; reason: string } {
  const parsed = ApiUserSchema.safeParse(user);
  if (!parsed.success) return { ok: false, reason: describeFirstIssue(parsed.error, user) };
  try {
    return { ok: true, record: toUserRecord(parsed.data, provenance) };
  } catch (error) {
    if (error instanceof UserMappingError) return { ok: false, reason: error.message };
    throw error;
  }
}

export function toSourceReject(user: unknown, index: number, reason: string, provenance: PageProvenance): SourceReject {
  const json = JSON.stringify(user) ?? String(user);
  const rawBytes = Buffer.byteLength(json, 'utf8');
  const uuid = (user as { login?: { uuid?: unknown } } | null)?.login?.uuid;
  return {
    page: provenance.page,
    index,
    reason,
    raw: rawBytes > MAX_REJECT_RAW_BYTES ? cutUtf8(json, MAX_REJECT_RAW_BYTES) : json,
    rawBytes,
    ...(typeof uuid === 'string' ? { uuid: uuid.slice(0, 100) } : {}),
    sourceUrl: provenance.sourceUrl,
    fetchedAt: provenance.fetchedAt.toISOString(),
  };
}

/** The longest prefix of `text` of at most `maxBytes` UTF-8 bytes that does not split a character. */
export function cutUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  // Back off continuation bytes (10xxxxxx) so the cut falls on a character boundary.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}
