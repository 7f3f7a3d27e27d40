import { z } from 'zod';

/** A setting from the environment that does not parse; its message is the one line a person needs. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parses environment variables with a zod object schema. Empty strings count as unset,
 * so `FOO= npm start` falls back to the default instead of failing. The values of `secrets` never appear
 * in an error message.
 */
export function parseEnv<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv, options: { secrets?: readonly string[] } = {}): z.infer<S> {
  const input: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') input[key] = value;
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const variable = String(issue.path[0] ?? '?');
  const shown = options.secrets?.includes(variable) ? `${variable} (value hidden)` : `${variable}=${JSON.stringify(env[variable] ?? '')}`;
  throw new ConfigError(`${shown} is invalid: ${describeIssue(issue)}`);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}`;
    case 'too_small':
      return `expected at least ${String(issue.minimum)}`;
    case 'too_big':
      return `expected at most ${String(issue.maximum)}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return `expected ${issue.message}`;
  }
}

/** Variables that are all set or all unset; otherwise a ConfigError naming the first missing one. */
export function requireTogether(variables: [name: string, value: unknown][]): void {
  const missing = variables.find(([, value]) => value === undefined);
  if (!missing || variables.every(([, value]) => value === undefined)) return;
  const names = variables.map(([name]) => name);
  const list = `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]!}`;
  throw new ConfigError(`${missing[0]} is not set: ${list} go together`);
}
