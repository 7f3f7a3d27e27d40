import type { Client } from 'cassandra-driver';
import { applySchema } from '../../src/cassandra/apply-schema';
import { createCassandraClient } from '../../src/cassandra/client';
import { loadPipelineConfig, type PipelineConfig } from '../../src/config/pipeline-config';
import { stackAddresses, uniqueName } from './stack-addresses';

export interface ScratchKeyspace {
  config: PipelineConfig;
  client: Client;
  /** `keyspace.table` of the pipeline's table in it. */
  table: string;
}

/** A keyspace of its own on the stack's Cassandra with the pipeline's schema, and a client to it. */
export async function openScratchKeyspace(prefix: string, env: Record<string, string> = {}): Promise<ScratchKeyspace & { drop(): Promise<void> }> {
  const config = loadPipelineConfig({ CASSANDRA_CONTACT_POINTS: stackAddresses().cassandraContactPoints.join(','), CASSANDRA_KEYSPACE: uniqueName(prefix), ...env });
  const client = createCassandraClient(config.cassandra);
  await client.connect();
  await applySchema(client, config.cassandra);
  return {
    config,
    client,
    table: `${config.cassandra.keyspace}.${config.cassandra.table}`,
    async drop() {
      await client.execute(`DROP KEYSPACE IF EXISTS ${config.cassandra.keyspace}`).catch(() => undefined);
      await client.shutdown();
    },
  };
}

/** A scratch keyspace for a whole test file: made before its tests, dropped after them. */
export function scratchKeyspaceForFile(prefix: string, env: Record<string, string> = {}): ScratchKeyspace {
  const config = loadPipelineConfig({ CASSANDRA_CONTACT_POINTS: stackAddresses().cassandraContactPoints.join(','), CASSANDRA_KEYSPACE: uniqueName(prefix), ...env });
  const client = createCassandraClient(config.cassandra);
  beforeAll(async () => {
    await client.connect();
    await applySchema(client, config.cassandra);
  });
  afterAll(async () => {
    await client.execute(`DROP KEYSPACE IF EXISTS ${config.cassandra.keyspace}`).catch(() => undefined);
    await client.shutdown();
  });
  return { config, client, table: `${config.cassandra.keyspace}.${config.cassandra.table}` };
}
