import { isUserId, traceUser, type Trace } from '../../audit/trace-user';
import { describeStoredRow } from '../../record/user-row';
import type { CommandContext } from '../context';
import { emit } from '../output';
import { parseCommandArgs, UsageError } from '../usage';

export const TRACE_HELP = `usage: pipeline trace <user id> [--json]

The lineage of one user: the slot that fetched it (slot time, slot workflow, Web UI link), its Kafka
partition and offset, the batch workflow that wrote it (attempts of each activity, Web UI link), its
write time and its row. For an id that is not in Cassandra: a dead letter with its reason, a record the
sink has not consumed yet, or unknown.

exit codes: 0 found (row, dead letter or waiting), 1 unknown or a server failed, 2 wrong command line`;

export async function traceCommand(context: CommandContext, args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs('trace', args, {}, 1);
  if (values.help) return (console.log(TRACE_HELP), 0);
  const id = positionals[0];
  if (!id) throw new UsageError('trace: a user id is required (see --help)');
  if (!isUserId(id)) throw new UsageError(`trace: "${id}" is not a user id (expected a UUID like 0b7e7dee-87f7-4c5b-9a1e-3f1d2c4b5a69)`);
  const { topic, dlqTopic } = context.config.kafka;
  const [temporal, cassandra] = [await context.temporal(), await context.cassandra()];
  const trace = await context.withKafka([topic, dlqTopic], (kafka) => traceUser({ config: context.config, temporal, cassandra, kafka }, id));
  emit(!!values.json, trace, () => describeTrace(trace));
  return trace.where === 'unknown' ? 1 : 0;
}

export function describeTrace(trace: Trace): string {
  switch (trace.where) {
    case 'cassandra': {
      const lines = [
        `user ${trace.id}: in Cassandra`,
        `  slot      ${trace.slot.slotTime}  workflow ${trace.slot.workflowId}`,
        `            ${trace.slot.link}`,
        `  kafka     ${trace.kafka.topic} partition ${trace.kafka.partition} offset ${trace.kafka.offset}`,
      ];
      if (trace.batch) {
        const attempts = trace.batch.activities.map((a) => `${a.activity} ${a.outcome} after ${a.attempts} attempt${a.attempts === 1 ? '' : 's'}`).join(', ');
        lines.push(
          `  batch     ${trace.batch.workflowId} (${trace.batch.status.toLowerCase()}, offsets ${trace.batch.firstOffset}..${trace.batch.lastOffset})`,
          `            ${attempts || 'no activity recorded'}`,
          `            ${trace.batch.link}`,
        );
      } else lines.push('  batch     not found in Temporal visibility (its history may be past the namespace retention)');
      lines.push(`  written   ${trace.writeTime.at} (WRITETIME ${trace.writeTime.micros})`);
      lines.push(`  row       ${describeStoredRow(trace.row)}`);
      return lines.join('\n');
    }
    case 'dead-letter':
      return `user ${trace.id}: not in Cassandra; dead-lettered in ${trace.topic} at ${trace.failedAt ?? '?'} from ${trace.source}: ${trace.reason}\n  (pipeline dlq list shows it; pipeline dlq replay re-validates it)`;
    case 'kafka':
      return `user ${trace.id}: not in Cassandra yet; on ${trace.topic} partition ${trace.partition} offset ${trace.offset}, not consumed yet (lag ${trace.lag} on that partition)`;
    case 'unknown':
      return `user ${trace.id}: unknown: not in Cassandra, not in the dead-letter queue, not waiting on Kafka`;
  }
}
