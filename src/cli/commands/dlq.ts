import { readDeadLetters, replayDeadLetters } from '../../kafka/dead-letter-queue';
import type { CommandContext } from '../context';
import { emit, table } from '../output';
import { parseCommandArgs, UsageError } from '../usage';

export const DLQ_HELP = `usage: pipeline dlq <command> [options]

The dead-letter topic (KAFKA_DLQ_TOPIC, default random_names.dlq) holds two kinds of letters, each with its
reason and origin:
  sink           a Kafka message the sink could not use (origin: source topic, partition, offset)
  source reject  a user of a source page that could not become a record (origin: slot, page, position;
                 the user's JSON as it came, its source URL and fetch time are on the letter)
A letter stored twice (a consumer or a slot's quarantine retried) is listed and replayed once.

commands:
  list [--limit N]   show the dead messages not yet replayed (default limit 50)
  replay             re-validate every dead message: valid ones go back to the data topic and become rows
                     (a source reject as the record its user makes today, once the schema or mapping is
                     fixed), the others stay listed with their current reason; nothing is lost

options: --json for machine-readable output, -h/--help`;

function preview(value: Buffer | null): string {
  if (value === null) return 'null';
  const text = value.toString('utf8').replace(/\s+/g, ' ');
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function copiesNote(letters: { copies: number }[]): string {
  const extra = letters.reduce((sum, l) => sum + l.copies - 1, 0);
  return extra === 0 ? '' : `; ${extra} repeated ${extra === 1 ? 'copy' : 'copies'} of them on the topic not listed again`;
}

function rejectsNote(letters: { kind: string }[]): string {
  const rejects = letters.filter((l) => l.kind === 'source-reject').length;
  return rejects === 0 ? '' : `, ${rejects} of them source ${rejects === 1 ? 'reject' : 'rejects'}`;
}

export async function dlqCommand(context: CommandContext, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '-h' || sub === '--help' || sub === 'help') {
    console.log(DLQ_HELP);
    return sub === undefined ? 2 : 0;
  }
  switch (sub) {
    case 'list': {
      const { values } = parseCommandArgs('dlq list', rest, { limit: { type: 'string' } });
      if (values.help) return (console.log(DLQ_HELP), 0);
      const limit = values.limit === undefined ? 50 : Number(values.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new UsageError(`dlq list: --limit "${values.limit}" is not a positive whole number`);
      const { letters } = await context.withKafka([context.config.kafka.dlqTopic], (kafka) => readDeadLetters(kafka, context.config.kafka, limit));
      emit(
        !!values.json,
        letters.map((l) => ({ ...l, value: l.value?.toString('utf8') ?? null })),
        () =>
          letters.length === 0
            ? `no dead messages in ${context.config.kafka.dlqTopic}`
            : `${table(['dlq offset', 'kind', 'key', 'reason', 'origin', 'value'], letters.map((l) => [`${l.partition}@${l.offset}`, l.kind === 'source-reject' ? 'source reject' : 'sink', l.key ?? 'null', l.reason, l.source, preview(l.value)]))}\n(${letters.length} shown${rejectsNote(letters)}${copiesNote(letters)})`,
      );
      return 0;
    }
    case 'replay': {
      const { values } = parseCommandArgs('dlq replay', rest, {});
      if (values.help) return (console.log(DLQ_HELP), 0);
      const report = await context.withKafka([context.config.kafka.dlqTopic, context.config.kafka.topic], (kafka) => replayDeadLetters(kafka, context.config.kafka));
      emit(
        !!values.json,
        { replayed: report.replayed.length, stillDead: report.stillDead.map((d) => ({ key: d.letter.key, reason: d.reason, origin: d.letter.source })) },
        () =>
          [
            `replayed ${report.replayed.length} message(s) to ${context.config.kafka.topic}`,
            `${report.stillDead.length} still dead${report.stillDead.length > 0 ? ':' : ''}`,
            ...report.stillDead.map((d) => `  ${d.letter.key ?? 'null'}: ${d.reason} (from ${d.letter.source})`),
          ].join('\n'),
      );
      return 0;
    }
    default:
      throw new UsageError(`dlq: unknown command "${sub}" (expected list or replay)`);
  }
}
