import type { z } from 'zod';

/**
 * The first zod issue as one line a person can act on: where, what was there, what was expected.
 * e.g. `results[0].login.uuid is "not-a-uuid" (Invalid UUID)` or `login.uuid is missing (…)`.
 */
export function describeFirstIssue(error: z.ZodError, input: unknown, prefix: readonly PropertyKey[] = []): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'it does not match the expected shape';
  const path = formatPath([...prefix, ...issue.path]);
  const value = valueAt(input, issue.path);
  const shown = value === undefined ? 'missing' : preview(value);
  return `${path === '' ? 'the body' : path} is ${shown} (${issue.message})`;
}

export function preview(value: unknown, maxChars = 60): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > maxChars ? `${json.slice(0, maxChars)}…` : json;
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}
