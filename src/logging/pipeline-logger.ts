import type { LogLevel, LogMetadata, Logger } from '@temporalio/common';
import { formatLine, type LogFormat } from './log-lines';

const ORDER: Record<LogLevel, number> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4 };

/** SDK warnings that are expected here: a consumer process's own queue runs activities only. */
const EXPECTED = new Set(['No workflows registered, not polling for workflow tasks']);

interface FailureSeries {
  reason: string;
  since: Date;
  attempts: number;
  workflows: Set<string>;
  lastSaid: number;
}

export interface PipelineLoggerOptions {
  level: LogLevel;
  format: LogFormat;
  /** Named in JSON lines: which process printed them. */
  process?: string;
  /** Where lines go; stderr by default, written directly so the console's own formatting (LOG_FORMAT) does not wrap them twice. */
  write?: (line: string) => void;
  now?: () => Date;
  /** While one activity keeps failing for one reason, at most one line per this many ms. */
  repeatEveryMs?: number;
  /** Where lines that say a server is away go instead (servers/process-outages.ts): one voice per outage. */
  outages?: { take(source: 'temporal-sdk', text: string): boolean };
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim();
}

function errorOf(meta: LogMetadata | undefined): Error | undefined {
  const error = meta?.['error'];
  return error instanceof Error ? error : undefined;
}

/**
 * The innermost cause's message: what the activity itself threw, not the SDK's wrapping. URLs lose
 * their query (a slot's seed), so the same failure of every slot reads as one reason.
 */
function reasonOf(error: Error): string {
  let current: unknown = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  const e = current as Error;
  return firstLine(e.message || e.name).replace(/(https?:\/\/[^\s?#]+)[?#][^\s:]*/g, '$1');
}

const time = (d: Date) => d.toISOString().slice(11, 19);

/**
 * The Temporal SDK's logger for the pipeline's processes: one line per event, no stack traces below
 * DEBUG, and an activity that keeps failing for the same reason (a source that is unreachable, a
 * server that is down) said once, then summarised at most every `repeatEveryMs`, and its recovery
 * said once. Text for terminals, JSON lines for deployments (LOG_FORMAT).
 */
export class PipelineLogger implements Logger {
  private readonly threshold: number;
  private readonly write: (line: string) => void;
  private readonly now: () => Date;
  private readonly repeatEveryMs: number;
  private readonly failing = new Map<string, FailureSeries>();
  /** Other messages, by their text with numbers blanked: when last said, and how many alike since. */
  private readonly recent = new Map<string, { at: number; since: Date; alike: number }>();

  constructor(private readonly options: PipelineLoggerOptions) {
    this.threshold = ORDER[options.level];
    this.write = options.write ?? ((line) => void process.stderr.write(`${line}\n`));
    this.now = options.now ?? (() => new Date());
    this.repeatEveryMs = options.repeatEveryMs ?? 30_000;
  }

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    const activityType = typeof meta?.['activityType'] === 'string' ? (meta['activityType'] as string) : undefined;
    if (activityType && message === 'Activity failed') return this.activityFailed(level, activityType, meta);
    if (activityType && message === 'Activity completed') return this.activityCompleted(activityType);
    if (EXPECTED.has(message)) level = 'DEBUG';
    const error = errorOf(meta);
    const detail = error ? `: ${error.name}: ${firstLine(error.message)}` : '';
    if (ORDER[level] >= ORDER.WARN && this.options.outages?.take('temporal-sdk', `${firstLine(message)}${detail}`)) return;
    if (ORDER[level] < this.threshold) return;
    const stack = error?.stack && this.threshold <= ORDER.DEBUG ? `\n${error.stack}` : '';
    const text = `${firstLine(message)}${detail}`;
    // The same message again (a retry loop's) is said at most once per window, with how many were alike.
    const key = `${level}|${text.replace(/\d+/g, '#')}`;
    const now = this.now();
    const seen = this.recent.get(key);
    if (seen && now.getTime() - seen.at < this.repeatEveryMs) {
      seen.alike += 1;
      return;
    }
    this.recent.set(key, { at: now.getTime(), since: now, alike: 0 });
    const alike = seen && seen.alike > 0 ? ` (${seen.alike} more like it since ${time(seen.since)})` : '';
    this.emit(level, `${text}${alike}${stack}`, meta);
  }

  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }

  private activityFailed(level: LogLevel, activityType: string, meta: LogMetadata | undefined): void {
    // The SDK logs a failure at DEBUG when it is a cancellation; those are not failures to report.
    if (level === 'DEBUG' || level === 'TRACE') return;
    const error = errorOf(meta);
    const reason = error ? reasonOf(error) : 'unknown error';
    if (this.options.outages?.take('temporal-sdk', `${activityType} failing: ${reason}`)) return;
    const workflowId = typeof meta?.['workflowId'] === 'string' ? (meta['workflowId'] as string) : '?';
    const now = this.now();
    const series = this.failing.get(activityType);
    if (!series || series.reason !== reason) {
      this.failing.set(activityType, { reason, since: now, attempts: 1, workflows: new Set([workflowId]), lastSaid: now.getTime() });
      if (ORDER.WARN >= this.threshold) this.emit('WARN', `${activityType} failing: ${reason} (${workflowId}, attempt ${String(meta?.['attempt'] ?? '?')}); Temporal retries it`, { activityType, workflowId, reason });
      if (error?.stack && this.threshold <= ORDER.DEBUG) this.emit('DEBUG', error.stack, { activityType });
      return;
    }
    series.attempts += 1;
    series.workflows.add(workflowId);
    if (now.getTime() - series.lastSaid < this.repeatEveryMs) return;
    series.lastSaid = now.getTime();
    if (ORDER.WARN >= this.threshold) {
      this.emit('WARN', `${activityType} still failing: ${reason} — ${series.attempts} failed attempts of ${series.workflows.size} workflow(s) since ${time(series.since)}`, { activityType, reason, attempts: series.attempts, workflows: series.workflows.size });
    }
  }

  private activityCompleted(activityType: string): void {
    const series = this.failing.get(activityType);
    if (!series) return;
    this.failing.delete(activityType);
    if (ORDER.WARN >= this.threshold) {
      this.emit('WARN', `${activityType} succeeded again after ${series.attempts} failed attempt(s) since ${time(series.since)} (${series.reason})`, { activityType, recovered: true, attempts: series.attempts });
    }
  }

  private emit(level: LogLevel, text: string, meta: LogMetadata | undefined): void {
    const at = this.now();
    const message = this.options.format === 'json' ? text : `${time(at)} ${level.padEnd(5)} ${text}`;
    this.write(formatLine(this.options.format, { level, message, at, ...(this.options.process ? { process: this.options.process } : {}), ...(meta ? { fields: meta } : {}) }));
  }
}
