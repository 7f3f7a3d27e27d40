import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { isComplete, markComplete, requireTool, runStep } from '../provision';
import type { StackSettings } from '../settings';
import type { StackService } from '../service';

/** Newer CLI tags carry `replace` directives that `go install` refuses; this is the newest that installs. */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
export const NAMESPACE = 'default';

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
