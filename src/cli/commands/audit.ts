import { auditSlots, type AuditReport } from '../../audit/audit-slots';
import { describeVerdict } from '../../audit/reconcile-slot';
import type { CommandContext } from '../context';
import { formatTime } from '../output';
import { parseCommandArgs, parseDurationOption, parseTimeOption, UsageError } from '../usage';

export const AUDIT_HELP = `usage: pipeline audit --from TIME --to TIME [--settle DURATION] [--json]

Reconciles every slot of the schedule whose slot time lies in [--from, --to] (ISO 8601, or now, now-1h):
the users each slot's workflow fetched against the rows in Cassandra, the dead letters in the DLQ and the
source users it rejected (quarantined on the DLQ): fetched = written + dead-lettered + rejected.
Prints one line per slot that does not reconcile (users missing, fewer published than fetched, a run
that never completed) and a summary. Slots closed less than --settle ago (AUDIT_SETTLE by default, 1m unset) are left as
pending.

exit codes: 0 every slot reconciles (or is pending), 1 a slot mismatched (or a server failed),
  2 wrong command line, 3 none mismatched but a slot is not auditable (its result could not be read,
  or it ran before slots recorded their ids): the summary line says how many`;

export async function auditCommand(context: CommandContext, args: string[]): Promise<number> {
  const { values } = parseCommandArgs('audit', args, { from: { type: 'string' }, to: { type: 'string' }, settle: { type: 'string' } });
  if (values.help) return (console.log(AUDIT_HELP), 0);
  if (!values.from || !values.to) throw new UsageError('audit: --from TIME and --to TIME are both required (see --help)');
  const from = parseTimeOption('--from', values.from);
  const to = parseTimeOption('--to', values.to);
  if (to < from) throw new UsageError(`audit: --to ${formatTime(to)} is before --from ${formatTime(from)}`);
  const settleMs = values.settle === undefined ? context.config.audit.settleMs : parseDurationOption('--settle', values.settle);
  const json = !!values.json;
  const interactive = !json && process.stderr.isTTY === true;
  let lastShown = 0;
  const [temporal, cassandra] = [await context.temporal(), await context.cassandra()];
  const report = await context.withKafka([context.config.kafka.dlqTopic], (kafka) => auditSlots(
    { config: context.config, temporal, cassandra, kafka },
    {
      from,
      to,
      settleMs,
      onProgress: ({ done, total }) => {
        if (json || total < 50) return;
        if (interactive) process.stderr.write(`\r\x1b[2Kreading slot results ${done}/${total}`);
        else if (done - lastShown >= 100 || done === total) {
          lastShown = done;
          console.error(`reading slot results ${done}/${total}`);
        }
      },
    },
  ));
  if (interactive) process.stderr.write('\r\x1b[2K');
  if (json) {
    console.log(JSON.stringify({ ...report, mismatched: report.mismatched.map((v) => ({ ...v, line: describeVerdict(v) })) }, null, 2));
  } else {
    for (const verdict of report.mismatched) console.log(describeVerdict(verdict));
    const u = report.users;
    console.log(
      `audit ${formatTime(from)} .. ${formatTime(to)}: ${report.slots} slot(s), ${report.reconciled} reconciled, ${report.mismatched.length} mismatched` +
        `${report.pending ? `, ${report.pending} pending` : ''}${report.unaudited ? `, ${report.unaudited} not auditable` : ''}; ` +
        `users: ${u.fetched} fetched, ${u.rows} in Cassandra, ${u.deadLettered} dead-lettered, ${u.rejected} rejected, ${u.missing} missing`,
    );
  }
  return auditExitCode(report);
}

/** 1 when a slot mismatched; else 3 when a slot could not be audited, so a clean exit means audited and clean. */
export function auditExitCode(report: Pick<AuditReport, 'mismatched' | 'unaudited'>): number {
  if (report.mismatched.length > 0) return 1;
  return report.unaudited > 0 ? 3 : 0;
}
