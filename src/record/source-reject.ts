import { describeFirstIssue } from '../source/describe-issue';
import { ApiUserSchema } from '../source/schema';
import { MAX_RECORD_BYTES, toUserRecord, UserMappingError, type UserRecord } from './user-record';

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

/**
 * The most JSON one part of a page carries (records and rejects). Each part travels through the slot's
 * Temporal history as one activity result and one activity input: the server refuses a payload over
 * 2 MB (its default blob size limit) and the SDK warns past 512 KiB. A page of 1 000 ordinary users is
 * about 0.36 MB, one part.
 */
export const PAGE_PART_BYTES = 480 * 1024;

/** A page split into the users that became records and the ones that did not. */
export interface SplitPage {
  records: UserRecord[];
  rejects: SourceReject[];
  /**
   * Where in the page the next part starts, when this part reached PAGE_PART_BYTES before the users the
   * slot takes ran out. Absent when the part ends the page (and in slots run before parts existed).
   */
  next?: number;
}

export interface PageProvenance {
  page: number;
  sourceUrl: string;
  slotTime: Date;
  fetchedAt: Date;
}

/**
 * Pure: validates and maps each of the first `take` users on its own, so a bad user costs only itself.
 * Users past `take` are not looked at (the slot does not need them). The part starts at user `from` and
 * ends before the user that would take its JSON past `budgetBytes` (it always holds one), so users too
 * large to travel together come in several parts instead of failing their page.
 */
export function splitPage(users: readonly unknown[], take: number, provenance: PageProvenance, from = 0, budgetBytes = PAGE_PART_BYTES): SplitPage {
  const records: UserRecord[] = [];
  const rejects: SourceReject[] = [];
  const end = Math.min(take, users.length);
  let bytes = 0;
  for (let index = from; index < end; index++) {
    const user = users[index];
    const mapped = toRecordOrReason(user, provenance);
    const reject = mapped.ok ? undefined : toSourceReject(user, index, mapped.reason, provenance);
    const size = mapped.ok ? mapped.bytes : Buffer.byteLength(JSON.stringify(reject), 'utf8');
    if (index > from && bytes + size > budgetBytes) return { records, rejects, next: index };
    bytes += size;
    if (mapped.ok) records.push(mapped.record);
    else rejects.push(reject!);
  }
  return { records, rejects };
}

/**
 * A user as a record with its size as published (UTF-8 JSON), or why it cannot be one: the API schema's
 * first issue, the mapping's, or a record over MAX_RECORD_BYTES, which the consumer would refuse.
 */
export function toRecordOrReason(user: unknown, provenance: { slotTime: Date; fetchedAt: Date }): { ok: true; record: UserRecord; bytes: number } | { ok: false; reason: string } {
  const parsed = ApiUserSchema.safeParse(user);
  if (!parsed.success) return { ok: false, reason: describeFirstIssue(parsed.error, user) };
  let record: UserRecord;
  try {
    record = toUserRecord(parsed.data, provenance);
  } catch (error) {
    if (error instanceof UserMappingError) return { ok: false, reason: error.message };
    throw error;
  }
  const bytes = Buffer.byteLength(JSON.stringify(record), 'utf8');
  if (bytes > MAX_RECORD_BYTES) return { ok: false, reason: `user ${record.id} would be a record of ${bytes} bytes, over the ${MAX_RECORD_BYTES}-byte cap of a user record` };
  return { ok: true, record, bytes };
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
