import { format as formatArgs } from 'node:util';

export type LogFormat = 'text' | 'json';
export type LineLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface LogLine {
  level: LineLevel;
  message: string;
  at: Date;
  /** Which process printed it (`pipeline`, `sink worker`, …), in JSON lines. */
  process?: string;
  /** Named fields of the event (an activity type, a workflow id, …), in JSON lines. */
  fields?: Record<string, unknown>;
}

const RESERVED = new Set(['time', 'level', 'message', 'process']);

/**
 * One printed line. Text: the message as it is. JSON: one object with time, level, message, the process
 * and the event's fields, the message's surrounding blank lines dropped; a field that would overwrite one
 * of the four goes under `field_<name>`.
 */
export function formatLine(format: LogFormat, line: LogLine): string {
  if (format === 'text') return line.message;
  const object: Record<string, unknown> = { time: line.at.toISOString(), level: line.level, message: line.message.trim() };
  if (line.process) object['process'] = line.process;
  for (const [key, value] of Object.entries(line.fields ?? {})) {
    if (typeof value === 'function' || typeof value === 'symbol' || value === undefined) continue;
    object[RESERVED.has(key) ? `field_${key}` : key] = value instanceof Error ? { name: value.name, message: value.message.split('\n')[0] } : value;
  }
  return JSON.stringify(object);
}

/** The format LOG_FORMAT asks for, read before the settings are parsed so a bad setting's error line is in it too. */
export function requestedLogFormat(env: NodeJS.ProcessEnv): LogFormat {
  return env['LOG_FORMAT'] === 'json' ? 'json' : 'text';
}

const CONSOLE_LEVELS = { debug: 'DEBUG', log: 'INFO', info: 'INFO', warn: 'WARN', error: 'ERROR' } as const satisfies Record<string, LineLevel>;

/**
 * Under LOG_FORMAT=json, every line the process prints through the console — its own, kafkajs's, the
 * Temporal SDK's — becomes one JSON object on the same stream (stdout for log/info/debug, stderr for
 * warn/error). Text changes nothing. Called once, first thing, by a process's start-up.
 */
export function applyLogFormat(format: LogFormat, processName: string): void {
  if (format === 'text') return;
  for (const [method, level] of Object.entries(CONSOLE_LEVELS) as [keyof typeof CONSOLE_LEVELS, LineLevel][]) {
    const stream = level === 'WARN' || level === 'ERROR' ? process.stderr : process.stdout;
    console[method] = (...args: unknown[]) => {
      stream.write(`${formatLine('json', { level, message: formatArgs(...args), at: new Date(), process: processName })}\n`);
    };
  }
}
