import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { kafkaBootstrap } from '../../src/dev/stack/services/kafka';
import { loadStackSettings, type StackSettings } from '../../src/dev/stack/settings';
import { stackDown } from '../../src/dev/stack/stack';

/**
 * Servers of their own for the tests that stop or kill them, or start processes before them: a
 * Temporal, one Kafka broker and one Cassandra node on ports beside the shared stack's (23xxx), with
 * data in a temporary directory, so the shared stack and the tests on it are never touched. The ports
 * lie below the kernel's ephemeral range: one there can be the local end of a test's connection when
 * the server starts, and Cassandra then exits at start ("is in use by another process").
 */
export function outageStackSettings(): StackSettings {
  return loadStackSettings({
    ...process.env,
    STACK_DIR: path.join(os.tmpdir(), `pipeline-outages-${process.pid}`),
    STACK_TEMPORAL_PORT: '23233',
    STACK_TEMPORAL_UI_PORT: '23234',
    STACK_KAFKA_BROKERS: '1',
    STACK_KAFKA_PORT: '23092',
    STACK_KAFKA_CONTROLLER_PORT: '23093',
    STACK_KAFKA_SASL_PORT: '23094',
    STACK_CASSANDRA_NODES: '1',
    STACK_CASSANDRA_PORT: '23042',
    STACK_CASSANDRA_STORAGE_PORT: '23000',
    STACK_CASSANDRA_JMX_PORT: '23199',
    STACK_CASSANDRA_HEAP: '512m',
    STACK_CASSANDRA_AUTH: 'none',
    STACK_TLS: '0',
    STACK_STOP_GRACE_SECONDS: '20',
  });
}

/** The variables that point a pipeline at the outage stack. */
export function outageStackAddresses(settings: StackSettings): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: `${settings.host}:${settings.temporal.port}`,
    TEMPORAL_UI_URL: `http://${settings.host}:${settings.temporal.uiPort}`,
    KAFKA_BROKERS: kafkaBootstrap(settings).join(','),
    CASSANDRA_CONTACT_POINTS: `${settings.host}:${settings.cassandra.port}`,
  };
}

/** Stops every server of the outage stack and deletes its data. */
export async function removeOutageStack(settings: StackSettings): Promise<void> {
  await stackDown(settings, { purge: true }, () => undefined);
  fs.rmSync(settings.dataDir, { recursive: true, force: true });
}
