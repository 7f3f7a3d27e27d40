import { z } from 'zod';
import type { ApiUser } from '../source/schema';

/**
 * The record published to Kafka for one user: flat, versioned, and keyed by the user's uuid
 * (not by name, which two people can share).
 */

export const CURRENT_SCHEMA_VERSION = 1;

/**
 * One field of the record: its zod schema, and the plain check that accepts a value only where that
 * schema does (it may refuse more; zod then decides). Both come from the same call, so they cannot
 * drift. The check is data, not a function: isPlainUserRecord runs one loop over it per message.
 */
interface RecordField<S extends z.ZodType> {
  schema: S;
  check: PlainCheck;
}

type PlainCheck =
  | { kind: 'literal'; value: number }
  | { kind: 'text' }
  | { kind: 'pattern'; pattern: RegExp }
  | { kind: 'between'; min: number; max: number };

// The very patterns zod applies for z.uuid() and z.iso.datetime().
const UUID = z.regexes.uuid();
const DATETIME = z.regexes.datetime({});

const version = (value: typeof CURRENT_SCHEMA_VERSION): RecordField<z.ZodLiteral<typeof CURRENT_SCHEMA_VERSION>> => ({ schema: z.literal(value), check: { kind: 'literal', value } });
const text = (): RecordField<z.ZodString> => ({ schema: z.string().min(1), check: { kind: 'text' } });
const uuid = (): RecordField<z.ZodUUID> => ({ schema: z.uuid(), check: { kind: 'pattern', pattern: UUID } });
const datetime = (): RecordField<z.ZodISODateTime> => ({ schema: z.iso.datetime(), check: { kind: 'pattern', pattern: DATETIME } });
const between = (min: number, max: number): RecordField<z.ZodNumber> => ({ schema: z.number().min(min).max(max), check: { kind: 'between', min, max } });

const RECORD_FIELDS = {
  schema_version: version(CURRENT_SCHEMA_VERSION),
  id: uuid(),
  full_name: text(),
  gender: text(),
  location: text(),
  city: text(),
  country: text(),
  // Always text: "EC1 1AA" and "3067 KP" are postcodes too.
  postcode: text(),
  latitude: between(-90, 90),
  longitude: between(-180, 180),
  email: text(),
  /** The schedule slot that asked for this user, so replays of a slot can be recognised. */
  slot_time: datetime(),
  fetched_at: datetime(),
};

type RecordShape = { [K in keyof typeof RECORD_FIELDS]: (typeof RECORD_FIELDS)[K]['schema'] };

export const UserRecordSchema = z.strictObject(
  Object.fromEntries(Object.entries(RECORD_FIELDS).map(([name, field]) => [name, field.schema])) as RecordShape,
);

export type UserRecord = z.infer<typeof UserRecordSchema>;

/** An API user that passed the response schema but cannot become a record, e.g. latitude "abc". */
export class UserMappingError extends Error {
  override name = 'UserMappingError';
  readonly retryable = false;
}

export function toUserRecord(user: ApiUser, provenance: { slotTime: Date; fetchedAt: Date }): UserRecord {
  const { name, location } = user;
  const candidate = {
    schema_version: CURRENT_SCHEMA_VERSION,
    id: user.login.uuid,
    // Same derivation as the seed system, so names read the same in both tables.
    full_name: `${name.title}. ${name.first} ${name.last}`,
    gender: user.gender,
    location: `${location.street.number}, ${location.street.name}`,
    city: location.city,
    country: location.country,
    postcode: String(location.postcode),
    latitude: parseCoordinate(user, 'latitude', location.coordinates.latitude, 90),
    longitude: parseCoordinate(user, 'longitude', location.coordinates.longitude, 180),
    email: user.email,
    slot_time: isoTime(user, 'slotTime', provenance.slotTime),
    fetched_at: isoTime(user, 'fetchedAt', provenance.fetchedAt),
  };
  // The API schema is looser than the record's; checking here keeps a bad record out of Kafka.
  const checked = UserRecordSchema.safeParse(candidate);
  if (!checked.success) {
    throw new UserMappingError(`user ${user.login.uuid} cannot become a record: ${describeIssue(checked.error, candidate)}`);
  }
  return checked.data;
}

// Strictly decimal: Number() would also accept "", " ", "0x1F" and "1e3".
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)$/;

function parseCoordinate(user: ApiUser, field: 'latitude' | 'longitude', text: string, limit: number): number {
  const value = DECIMAL.test(text.trim()) ? Number(text) : Number.NaN;
  if (!Number.isFinite(value) || Math.abs(value) > limit) {
    throw new UserMappingError(
      `user ${user.login.uuid} has ${field} ${JSON.stringify(text)} (expected a decimal number -${limit}..${limit})`,
    );
  }
  return value;
}

function isoTime(user: ApiUser, field: string, time: Date): string {
  if (Number.isNaN(time.getTime())) {
    throw new UserMappingError(`user ${user.login.uuid} was given an invalid ${field} date (expected a valid Date)`);
  }
  return time.toISOString();
}

export type ParsedUserRecord = { ok: true; record: UserRecord } | { ok: false; reason: string };

/** Reads a Kafka message value. Never throws: a bad message is a reason for the dead-letter topic. */
/** A user record is about 1 KiB; anything past this is not one, and is not parsed at all. */
export const MAX_RECORD_BYTES = 64 * 1024;

export function parseUserRecord(bytes: Buffer | null): ParsedUserRecord {
  if (bytes === null) return { ok: false, reason: 'message has no value (expected a JSON user record)' };
  if (bytes.length > MAX_RECORD_BYTES) {
    return { ok: false, reason: `message value is ${bytes.length} bytes, over the ${MAX_RECORD_BYTES}-byte cap of a user record` };
  }

  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    // The parser quotes the input, newlines included; a reason must stay on one line.
    const detail = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ');
    return { ok: false, reason: `message value is not JSON (${detail}); it starts with ${preview(bytes.toString('utf8'))}` };
  }

  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    return { ok: false, reason: `message value is ${preview(json)} (expected a JSON object)` };
  }

  // Checked first so that a newer producer's record is reported as such, not as a pile of field errors.
  const version = (json as Record<string, unknown>).schema_version;
  if (version !== CURRENT_SCHEMA_VERSION) {
    const got = version === undefined ? 'missing schema_version' : `unknown schema_version ${preview(version)}`;
    return { ok: false, reason: `${got} (expected ${CURRENT_SCHEMA_VERSION})` };
  }

  // The consumer reads every record; the plain check spares it zod's copy of each. zod stays the
  // authority: it decides (and words the reason) whenever the plain check does not accept.
  if (isPlainUserRecord(json)) return { ok: true, record: json };
  const parsed = UserRecordSchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: describeIssue(parsed.error, json) };
  return { ok: true, record: parsed.data };
}

const PLAIN_CHECKS = Object.entries(RECORD_FIELDS).map(([name, field]) => ({ name, ...field.check }));

/**
 * True only for an object UserRecordSchema accepts as it is: exactly its fields, each of its type and
 * range. It may say false to a record zod would accept (zod then decides), never true to one it rejects.
 */
export function isPlainUserRecord(json: object): json is UserRecord {
  const r = json as Record<string, unknown>;
  if (Object.getPrototypeOf(r) !== Object.prototype) return false;
  if (Object.keys(r).length !== PLAIN_CHECKS.length) return false;
  for (const check of PLAIN_CHECKS) {
    if (!Object.hasOwn(r, check.name)) return false;
    const value = r[check.name];
    switch (check.kind) {
      case 'literal':
        if (value !== check.value) return false;
        break;
      case 'text':
        if (typeof value !== 'string' || value.length === 0) return false;
        break;
      case 'pattern':
        if (typeof value !== 'string' || !check.pattern.test(value)) return false;
        break;
      case 'between':
        // NaN fails both comparisons and ±Infinity is out of range, as zod has it.
        if (typeof value !== 'number' || !(value >= check.min && value <= check.max)) return false;
        break;
    }
  }
  return true;
}

/** e.g. `latitude is "12.5" (expected number)` or `unexpected field "nickname"`. */
function describeIssue(error: z.ZodError, input: object): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'it does not match the user record schema';
  if (issue.code === 'unrecognized_keys') {
    return `unexpected field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')} (not in schema_version ${CURRENT_SCHEMA_VERSION})`;
  }
  const field = issue.path.map(String).join('.');
  const value = (input as Record<string, unknown>)[String(issue.path[0])];
  const shown = value === undefined ? 'missing' : preview(value);
  return `${field} is ${shown} (${expectation(issue)})`;
}

function expectation(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}`;
    case 'too_small':
      return issue.origin === 'string' ? 'expected a non-empty string' : `expected at least ${String(issue.minimum)}`;
    case 'too_big':
      return `expected at most ${String(issue.maximum)}`;
    case 'invalid_format':
      return `expected ${issue.format === 'datetime' ? 'an ISO-8601 UTC time' : `a ${issue.format}`}`;
    default:
      return issue.message;
  }
}

function preview(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 60 ? `${json.slice(0, 60)}…` : json;
}
