import { slotsBetween } from '../../schedule/slot-times';
import type { ScheduleDescription } from '@temporalio/client';
import { withSchedule } from '../schedule-not-found';
import { ensureSchedule } from '../../schedule/ensure-schedule';
import { runSlots } from '../../schedule/run-slots';
import { describeSchedule, type ScheduleSummary } from '../../schedule/describe-schedule';
import type { IngestSlotInput } from '../../contracts/ingest';
import { SCHEDULED_START_TIME } from '../../contracts/scheduled-time';
import type { CommandContext } from '../context';
import { emit, formatAgo, formatTime, table } from '../output';
import { CommandError, parseCommandArgs, parseDurationOption, parseTimeOption, UsageError } from '../usage';
import { setTimeout as sleep } from 'node:timers/promises';

export const SCHEDULE_HELP = `usage: pipeline schedule <command> [options]

Acts on the Temporal Schedule that \`temporal schedule ... --schedule-id <id>\` sees (SCHEDULE_ID, default random-names).

commands:
  create                     create the schedule if missing, or bring its interval and users per slot up to date
                             (SCHEDULE_INTERVAL, USERS_PER_SLOT); a paused schedule stays paused
  describe                   state, note, spec, the next fire times and recent runs with their outcome
  pause [--note TEXT]        stop firing; the note shows in describe and in the Web UI
  unpause [--note TEXT]      start firing again
  trigger                    start one slot now
  backfill --from TIME --to TIME [--no-wait] [--via-schedule]
                             run every slot from --from to --to, both included (ISO 8601, or now, now-1h);
                             shows progress until all have completed; safe to repeat: slots are reproducible,
                             rows are never doubled. Starts the slots' workflows itself, with the ids and input
                             the schedule gives them, as fast as the workers take them; --via-schedule asks
                             the schedule instead, as \`temporal schedule backfill\` does (at most 10 slots/s)
  update --every DURATION    change the interval (e.g. 1s, 10s, 1m); keeps pause state and note
  delete                     delete the schedule (running slots finish; their rows stay)

options: --json for machine-readable output, -h/--help`;

export async function scheduleCommand(context: CommandContext, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '-h' || sub === '--help' || sub === 'help') {
    console.log(SCHEDULE_HELP);
    return sub === undefined ? 2 : 0;
  }
  const id = context.config.schedule.id;
  switch (sub) {
    case 'create': {
      const { values } = parseCommandArgs('schedule create', rest, {});
      if (values.help) return help();
      const outcome = await ensureSchedule(await context.temporal(), context.scheduleSettings());
      emit(!!values.json, { scheduleId: id, outcome }, () => `schedule ${id}: ${outcome}`);
      return 0;
    }
    case 'describe': {
      const { values } = parseCommandArgs('schedule describe', rest, {});
      if (values.help) return help();
      const temporal = await context.temporal();
      const description = await withSchedule(id, () => describeSchedule(temporal, id));
      emit(!!values.json, description, () => renderDescription(description));
      return 0;
    }
    case 'pause':
    case 'unpause': {
      const { values } = parseCommandArgs(`schedule ${sub}`, rest, { note: { type: 'string' } });
      if (values.help) return help();
      const handle = (await context.temporal()).schedule.getHandle(id);
      const note = values.note ?? `${sub}d with pipeline schedule ${sub}`;
      await withSchedule(id, () => (sub === 'pause' ? handle.pause(note) : handle.unpause(note)));
      emit(!!values.json, { scheduleId: id, paused: sub === 'pause', note }, () => `schedule ${id}: ${sub === 'pause' ? 'paused' : 'running'} (note: ${note})`);
      return 0;
    }
    case 'trigger': {
      const { values } = parseCommandArgs('schedule trigger', rest, {});
      if (values.help) return help();
      const handle = (await context.temporal()).schedule.getHandle(id);
      await withSchedule(id, () => handle.trigger('ALLOW_ALL'));
      emit(!!values.json, { scheduleId: id, triggered: true }, () => `schedule ${id}: triggered one slot`);
      return 0;
    }
    case 'backfill':
      return backfill(context, rest);
    case 'update': {
      const { values } = parseCommandArgs('schedule update', rest, { every: { type: 'string' } });
      if (values.help) return help();
      if (!values.every) throw new UsageError('schedule update: --every DURATION is required (e.g. --every 10s)');
      const intervalMs = parseDurationOption('--every', values.every);
      if (intervalMs < 1000) throw new UsageError(`--every "${values.every}" is shorter than 1s, the shortest slot interval`);
      const temporal = await context.temporal();
      await withSchedule(id, () => temporal.schedule.getHandle(id).describe());
      const outcome = await ensureSchedule(temporal, { ...context.scheduleSettings(), intervalMs });
      emit(!!values.json, { scheduleId: id, intervalMs, outcome }, () => `schedule ${id}: every ${intervalMs / 1000} s (${outcome})`);
      return 0;
    }
    case 'delete': {
      const { values } = parseCommandArgs('schedule delete', rest, {});
      if (values.help) return help();
      const handle = (await context.temporal()).schedule.getHandle(id);
      await withSchedule(id, () => handle.delete());
      emit(!!values.json, { scheduleId: id, deleted: true }, () => `schedule ${id}: deleted`);
      return 0;
    }
    default:
      throw new UsageError(`schedule: unknown command "${sub}" (expected create, describe, pause, unpause, trigger, backfill, update or delete)`);
  }
}

function help(): number {
  console.log(SCHEDULE_HELP);
  return 0;
}


function renderDescription(s: ScheduleSummary): string {
  return [
    `schedule   ${s.scheduleId}`,
    `state      ${s.paused ? 'PAUSED' : 'running'}${s.note ? ` (note: ${s.note})` : ''}`,
    `spec       every ${s.intervalMs !== null ? `${s.intervalMs / 1000} s` : '?'}, ${s.usersPerSlot ?? '?'} user(s) per slot`,
    `actions    ${s.actionsTaken} taken, ${s.actionsSkippedOverlap} skipped (overlap), ${s.actionsMissedCatchupWindow} missed (catch-up window)`,
    `next       ${s.nextFireTimes.length > 0 ? s.nextFireTimes.map((t) => formatTime(new Date(t))).join(', ') : '- (paused)'}`,
    '',
    s.recentRuns.length === 0
      ? 'no runs yet'
      : table(['slot', 'outcome', 'workflow id'], [...s.recentRuns].reverse().map((r) => [`${formatTime(new Date(r.slotTime))} (${formatAgo(new Date(r.slotTime))})`, r.status, r.workflowId])),
  ].join('\n');
}

/**
 * The default backfill: the pipeline starts the slots' workflows itself, with the schedule's ids and
 * input (see runSlots), as fast as the workers take them.
 */
async function backfillDirect(context: CommandContext, description: ScheduleDescription, slots: Date[], options: { json: boolean; wait: boolean; from: Date; to: Date }): Promise<number> {
  const id = context.config.schedule.id;
  const action = description.action;
  const scheduled = action.type === 'startWorkflow' ? ((action.args as IngestSlotInput[] | undefined)?.[0]) : undefined;
  const taskQueue = action.type === 'startWorkflow' ? action.taskQueue : context.config.temporal.ingestTaskQueue;
  const usersPerSlot = scheduled?.usersPerSlot ?? context.config.schedule.usersPerSlot;
  if (!options.json) console.log(`schedule ${id}: backfilling ${slots.length} slot(s) from ${formatTime(options.from)} to ${formatTime(options.to)}`);
  const started = Date.now();
  const { completed, failed } = await runSlots(await context.temporal(), {
    slotTimeoutMs: context.config.schedule.slotTimeoutMs,
    scheduleId: scheduled?.scheduleId ?? id,
    taskQueue,
    usersPerSlot,
    slots,
    wait: options.wait,
    onProgress: ({ done, failed: failedSoFar, total }) => {
      if (options.json) return;
      const elapsed = (Date.now() - started) / 1000;
      const rate = done / Math.max(elapsed, 0.001);
      const line = `slots ${done}/${total} · ${rate.toFixed(1)}/s · ETA ${Math.ceil((total - done) / Math.max(rate, 0.001))}s${failedSoFar ? ` · ${failedSoFar} failed` : ''}`;
      if (process.stdout.isTTY) process.stdout.write(`\r\x1b[2K${line}`);
      else if (done % 50 === 0 || done === total) console.log(line);
    },
  });
  if (!options.wait) {
    emit(options.json, { scheduleId: id, slots: slots.length, waited: false }, () => `started ${slots.length} slot workflow(s)`);
    return 0;
  }
  const seconds = (Date.now() - started) / 1000;
  emit(options.json, { scheduleId: id, slots: slots.length, completed, failed, seconds }, () =>
    `${process.stdout.isTTY ? '\n' : ''}backfill done: ${completed}/${slots.length} slots completed${failed ? `, ${failed} failed (see the Web UI)` : ''} in ${seconds.toFixed(1)} s`,
  );
  return failed > 0 ? 1 : 0;
}

async function backfill(context: CommandContext, args: string[]): Promise<number> {
  const { values } = parseCommandArgs('schedule backfill', args, { from: { type: 'string' }, to: { type: 'string' }, 'no-wait': { type: 'boolean' }, 'via-schedule': { type: 'boolean' } });
  if (values.help) return help();
  if (!values.from || !values.to) throw new UsageError('schedule backfill: --from TIME and --to TIME are both required');
  const from = parseTimeOption('--from', values.from);
  const to = parseTimeOption('--to', values.to);
  if (to < from) throw new UsageError(`schedule backfill: --to ${formatTime(to)} is before --from ${formatTime(from)}`);
  const id = context.config.schedule.id;
  const temporal = await context.temporal();
  const handle = temporal.schedule.getHandle(id);
  const description = await withSchedule(id, () => handle.describe());
  const intervalMs = Number(description.spec.intervals?.[0]?.every ?? context.config.schedule.intervalMs);
  const slots = slotsBetween(from, to, intervalMs);
  const requestedAt = new Date(Date.now() - 1000);
  if (slots.length === 0) throw new CommandError(`schedule backfill: no slot of this schedule (every ${intervalMs / 1000} s) lies between ${formatTime(from)} and ${formatTime(to)}`);
  if (!values['via-schedule']) return backfillDirect(context, description, slots, { json: !!values.json, wait: !values['no-wait'], from, to });
  // Half an interval around the slots: the same slots as [from, to], without depending on how the
  // server rounds a slot that sits exactly on an edge; the padding cannot reach a neighbouring slot.
  const half = Math.floor(intervalMs / 2);
  await handle.backfill({ start: new Date(slots[0]!.getTime() - half), end: new Date(slots[slots.length - 1]!.getTime() + half), overlap: 'ALLOW_ALL' });
  const json = !!values.json;
  if (!json) console.log(`schedule ${id}: backfill of ${slots.length} slot(s) from ${formatTime(from)} to ${formatTime(to)} requested`);
  if (values['no-wait']) {
    if (json) console.log(JSON.stringify({ scheduleId: id, slots: slots.length, waited: false }));
    return 0;
  }
  // Backfilled runs carry the slot as their scheduled start time; count those that closed since the request.
  const scheduled = SCHEDULED_START_TIME.name;
  // Bounds padded by half an interval: stored slot times carry sub-millisecond precision, so an exact
  // bound would miss the slot that sits on it.
  const range = { from: new Date(slots[0]!.getTime() - half).toISOString(), to: new Date(slots[slots.length - 1]!.getTime() + half).toISOString() };
  const base = `TemporalScheduledById = '${id}' AND StartTime >= '${requestedAt.toISOString()}' AND ${scheduled} >= '${range.from}' AND ${scheduled} <= '${range.to}'`;
  const started = Date.now();
  let done = 0;
  let failed = 0;
  while (done < slots.length) {
    await sleep(500);
    const [completed, notOk] = await Promise.all([
      temporal.workflow.count(`${base} AND ExecutionStatus = 'Completed'`),
      temporal.workflow.count(`${base} AND ExecutionStatus IN ('Failed', 'TimedOut', 'Terminated', 'Canceled')`),
    ]);
    done = completed.count + notOk.count;
    failed = notOk.count;
    const elapsed = (Date.now() - started) / 1000;
    const rate = done / Math.max(elapsed, 0.001);
    const eta = rate > 0 ? Math.ceil((slots.length - done) / rate) : undefined;
    if (!json) {
      const line = `slots ${done}/${slots.length} · ${rate.toFixed(1)}/s · ETA ${eta === undefined ? '?' : `${eta}s`}${failed ? ` · ${failed} failed` : ''}`;
      if (process.stdout.isTTY) process.stdout.write(`\r\x1b[2K${line}`);
      else console.log(line);
    }
  }
  const seconds = (Date.now() - started) / 1000;
  emit(json, { scheduleId: id, slots: slots.length, completed: done - failed, failed, seconds }, () =>
    `${process.stdout.isTTY ? '\n' : ''}backfill done: ${done - failed}/${slots.length} slots completed${failed ? `, ${failed} failed (see the Web UI)` : ''} in ${seconds.toFixed(1)} s`,
  );
  return failed > 0 ? 1 : 0;
}
