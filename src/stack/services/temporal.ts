import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { isComplete, markComplete, requireTool, runStep } from '../provision';
import type { StackSettings } from '../settings';
import type { StackService } from '../service';

/** Newer CLI tags carry `replace` directives that `go install` refuses; this is the newest that installs. */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
export const NAMESPACE = 'default';
/** Lead the history service gives a new timer; see the launch arguments. */
const TIMER_MAX_TIME_SHIFT = '100ms';

export function temporalBinary(settings: StackSettings): string {
  return path.join(settings.cacheDir, 'temporal', TEMPORAL_CLI_VERSION, 'temporal');
}

export const temporalService: StackService = {
  name: 'temporal',
  kind: 'temporal',

  ports: (settings) => [settings.temporal.port, settings.temporal.uiPort],

  async provision({ settings, progress }) {
    const dir = path.dirname(temporalBinary(settings));
    if (isComplete(dir)) return;
    requireTool('go', 'build the Temporal CLI', 'Go 1.22 or newer from https://go.dev/dl or apt-get install golang');
    fs.mkdirSync(dir, { recursive: true });
    await runStep(
      `Building the Temporal CLI ${TEMPORAL_CLI_VERSION} from the Go module proxy (first time only, a few minutes)`,
      'go',
      ['install', `github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`],
      { env: { GOBIN: dir }, logFile: path.join(settings.dataDir, 'logs', 'provision-temporal.log'), progress },
    );
    markComplete(dir);
  },

  async prepare({ settings }) {
    fs.mkdirSync(path.join(settings.dataDir, 'temporal'), { recursive: true });
  },

  launchSpec: (settings) => ({
    name: 'temporal',
    command: temporalBinary(settings),
    args: [
      'server', 'start-dev',
      '--ip', '127.0.0.1',
      '--port', String(settings.temporal.port),
      '--ui-port', String(settings.temporal.uiPort),
      '--db-filename', path.join(settings.dataDir, 'temporal', 'temporal.db'),
      // A write-ahead log synced at checkpoints: survives the server being killed (only a machine crash
      // can lose the last transactions) and spares each of the server's many small transactions
      // the rollback journal's file creation and fsyncs.
      '--sqlite-pragma', 'journal_mode=wal',
      '--sqlite-pragma', 'synchronous=normal',
      // The history service gives every timer at least this much lead (default 1 s, a clock-skew
      // allowance between hosts; this server is one process). With the default, a schedule at a
      // 1-s interval sleeps a whole second after each action, and starts each slot ~0.4 s late.
      '--dynamic-config-value', `history.timerProcessorMaxTimeShift="${TIMER_MAX_TIME_SHIFT}"`,
      '--namespace', NAMESPACE,
      '--log-level', 'warn',
    ],
    cwd: settings.dataDir,
    logFile: path.join(settings.dataDir, 'logs', 'temporal.log'),
    marker: 'start-dev',
  }),

  async probe(settings) {
    const connection = await Connection.connect({ address: `127.0.0.1:${settings.temporal.port}`, connectTimeout: 2000 });
    try {
      await connection.workflowService.describeNamespace({ namespace: NAMESPACE });
    } finally {
      await connection.close();
    }
  },

  addresses: (settings) => [
    `gRPC 127.0.0.1:${settings.temporal.port} (namespace ${NAMESPACE})`,
    `Web UI http://localhost:${settings.temporal.uiPort}`,
  ],
};
