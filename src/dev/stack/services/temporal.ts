import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { StackService } from '../service';
import { provisionTemporalBinary, temporalBinary } from './temporal-binary';

export { temporalBinary } from './temporal-binary';
export const NAMESPACE = 'default';
/** Lead the history service gives a new timer; see the launch arguments. */
const TIMER_MAX_TIME_SHIFT = '100ms';

export const temporalService: StackService = {
  name: 'temporal',
  kind: 'temporal',

  ports: (settings) => [{ host: settings.host, port: settings.temporal.port }, { host: settings.host, port: settings.temporal.uiPort }],

  async provision({ settings, progress }) {
    await provisionTemporalBinary(settings, progress);
  },

  async prepare({ settings }) {
    fs.mkdirSync(path.join(settings.dataDir, 'temporal'), { recursive: true });
  },

  launchSpec: (settings) => ({
    name: 'temporal',
    command: temporalBinary(settings).path,
    args: [
      'server', 'start-dev',
      // Its own internal services dial 127.0.0.1 whatever the address, so elsewhere it listens on all of them.
      '--ip', settings.host === '127.0.0.1' ? settings.host : '0.0.0.0',
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
    await probeNamespace(await Connection.connect({ address: `${settings.host}:${settings.temporal.port}`, connectTimeout: 2000 }));
  },

  addresses: (settings) => [
    `gRPC ${settings.host}:${settings.temporal.port} (namespace ${NAMESPACE})`,
    `Web UI http://${settings.host === '127.0.0.1' ? 'localhost' : settings.host}:${settings.temporal.uiPort}`,
  ],
};

/** Asks the server for the namespace the pipeline uses, then closes the connection: the readiness probe. */
export async function probeNamespace(connection: Connection): Promise<void> {
  try {
    await connection.workflowService.describeNamespace({ namespace: NAMESPACE });
  } finally {
    await connection.close();
  }
}
