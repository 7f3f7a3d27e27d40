import { z } from 'zod';

/**
 * The randomuser.me response, validated where it enters the pipeline.
 *
 * Fields the pipeline maps into a record are required and typed; everything else is optional
 * and every object is loose, because the real API varies by nationality and version and adds
 * fields over time. A change in a field we never read must not stop ingestion.
 */

const NonEmptyString = z.string().min(1);

// Real API emails can carry accented letters (e.g. "zoé.moreau@example.com"), which zod's email
// format rejects, so only the local@domain shape is checked.
const EmailAddress = z.string().regex(/^[^@\s]+@[^@\s]+$/, 'expected an email address like name@example.com');

// Postcodes are numbers for some nationalities (US, DE, …) and strings for others ("EC1 1AA").
const Postcode = z.union([z.number().int().nonnegative(), NonEmptyString]);

const DatedAge = z.looseObject({ date: z.string().optional(), age: z.number().optional() });

export const ApiUserSchema = z.looseObject({
  gender: NonEmptyString,
  name: z.looseObject({
    title: z.string(),
    first: NonEmptyString,
    last: NonEmptyString,
  }),
  location: z.looseObject({
    street: z.looseObject({
      number: z.number().int().nonnegative(),
      name: NonEmptyString,
    }),
    city: NonEmptyString,
    state: z.string().optional(),
    country: NonEmptyString,
    postcode: Postcode,
    // Strings on the wire; whether they hold a usable number is decided when mapping to a record.
    coordinates: z.looseObject({ latitude: z.string(), longitude: z.string() }),
    timezone: z.looseObject({ offset: z.string().optional(), description: z.string().optional() }).optional(),
  }),
  email: EmailAddress,
  login: z.looseObject({
    uuid: z.uuid(),
    username: z.string().optional(),
    password: z.string().optional(),
    salt: z.string().optional(),
    md5: z.string().optional(),
    sha1: z.string().optional(),
    sha256: z.string().optional(),
  }),
  dob: DatedAge.optional(),
  registered: DatedAge.optional(),
  phone: z.string().optional(),
  cell: z.string().optional(),
  id: z.looseObject({ name: z.string().optional(), value: z.string().nullable().optional() }).optional(),
  picture: z
    .looseObject({ large: z.string().optional(), medium: z.string().optional(), thumbnail: z.string().optional() })
    .optional(),
  nat: z.string().optional(),
});

export const ApiInfoSchema = z.looseObject({
  seed: z.string(),
  results: z.number().int().nonnegative(),
  page: z.number().int().positive(),
  version: z.string(),
});

export const ApiResponseSchema = z.looseObject({
  results: z.array(ApiUserSchema),
  info: ApiInfoSchema,
});

/**
 * A page as the client takes it: the envelope checked strictly, each user left as it came. Users are
 * validated one by one (source/split-page.ts), so one bad user costs only itself.
 */
export const ApiPageSchema = z.looseObject({
  results: z.array(z.unknown()),
  info: ApiInfoSchema,
});

/** What the API sends instead of `results` when it fails, e.g. `{"error":"Uh oh, something has gone wrong."}`. */
export const ApiErrorSchema = z.looseObject({ error: z.string() });

export type ApiUser = z.infer<typeof ApiUserSchema>;
export type ApiInfo = z.infer<typeof ApiInfoSchema>;
export type ApiResponse = z.infer<typeof ApiResponseSchema>;
export type ApiPage = z.infer<typeof ApiPageSchema>;
export type ApiErrorBody = z.infer<typeof ApiErrorSchema>;
