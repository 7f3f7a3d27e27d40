import { loadDotEnv } from '../config/dot-env';
import { ConfigError } from '../config/parse-env';
import { loadPipelineConfig } from '../config/pipeline-config';
import { auditCommand } from './commands/audit';
import { dlqCommand } from './commands/dlq';
import { scheduleCommand } from './commands/schedule';
import { statusCommand } from './commands/status';
import { traceCommand } from './commands/trace';
import { CommandContext } from './context';
import { CommandError, UsageError } from './usage';
import { describeStartupError } from '../pipeline/startup-error';

export const PIPELINE_HELP = `usage: pipeline <command> [options]

Operate the random-names pipeline. Settings come from the environment (or .env), as for the workers.

commands:
  schedule   create | describe | pause | unpause | trigger | backfill | update | delete the slot schedule
  status     schedule, consumer lag per partition, DLQ depth, rows, polling workers (--watch, --json)
  dlq        list | replay the dead-letter queue
  trace      the lineage of one user id: slot, Kafka offset, batch workflow, write time, row (or where it is)
  audit      reconcile the slots of a time range against Cassandra and the DLQ (exit 1 on a mismatch,
             3 when a slot could not be audited)

Run "pipeline <command> --help" for a command's options.
exit codes: 0 done, 1 failed (a server said no or did not answer), 2 wrong command line`;

/** Runs one command line; returns the exit code. Errors meant for people print as one line. */
export async function runPipelineCli(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    console.log(PIPELINE_HELP);
    return command === undefined ? 2 : 0;
  }
  let context: CommandContext | undefined;
  try {
    loadDotEnv();
    context = new CommandContext(loadPipelineConfig());
    switch (command) {
      case 'schedule':
        return await scheduleCommand(context, rest);
      case 'status':
        return await statusCommand(context, rest);
      case 'dlq':
        return await dlqCommand(context, rest);
      case 'trace':
        return await traceCommand(context, rest);
      case 'audit':
        return await auditCommand(context, rest);
      default:
        throw new UsageError(`unknown command "${command}" (expected schedule, status, dlq, trace or audit; see pipeline --help)`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`error: ${error.message}`);
      return 2;
    }
    if (error instanceof ConfigError || error instanceof CommandError) {
      console.error(`error: ${error.message}`);
      return 1;
    }
    console.error(`error: ${describeStartupError(error, context?.config)}`);
    return 1;
  } finally {
    await context?.close();
  }
}
