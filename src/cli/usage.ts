import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A wrong command line: printed as one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Something the command could not do against a server: one line, exit code 1. */
export class CommandError extends Error {
  override name = 'CommandError';
}

export type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs in strict mode, with its errors turned into one-line usage errors naming the command. */
export function parseCommandArgs<O extends Options>(command: string, args: string[], options: O, positionals = 0) {
  try {
    const parsed = parseArgs({ args, options: { ...options, help: { type: 'boolean', short: 'h' }, json: { type: 'boolean' } }, allowPositionals: positionals > 0, strict: true });
    if (parsed.positionals.length > positionals) throw new UsageError(`${command}: unexpected argument "${parsed.positionals[positionals]}" (see --help)`);
    return parsed;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const message = (error as Error).message.split('\n')[0]!.replace(/\. (To specify a positional argument|This command does not take positional arguments).*$/, '').replace(/\.$/, '');
    throw new UsageError(`${command}: ${message} (see --help)`);
  }
}

/** Parses `10s`, `5m`, `1h`, `500ms`; anything else is a usage error naming the option. */
export function parseDurationOption(option: string, text: string): number {
  const match = /^(\d+)(ms|s|m|h)$/.exec(text);
  if (!match || Number(match[1]) <= 0) throw new UsageError(`${option} "${text}" is not a duration (expected e.g. 1s, 10s, 5m, 1h)`);
  return Number(match[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 'ms' | 's' | 'm' | 'h'];
}

/** Parses an ISO 8601 time, `now`, or `now-10m` style relative times. */
export function parseTimeOption(option: string, text: string, now = new Date()): Date {
  const relative = /^now(?:([+-])(\d+)(s|m|h|d))?$/.exec(text);
  if (relative) {
    if (!relative[1]) return now;
    const ms = Number(relative[2]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[3] as 's' | 'm' | 'h' | 'd'];
    return new Date(now.getTime() + (relative[1] === '-' ? -ms : ms));
  }
  const date = /^\d{4}-\d{2}-\d{2}T/.test(text) ? new Date(text) : new Date(NaN);
  if (Number.isNaN(date.getTime())) throw new UsageError(`${option} "${text}" is not a time (expected ISO 8601 like 2026-11-24T12:00:00Z, or now, now-1h)`);
  return date;
}
