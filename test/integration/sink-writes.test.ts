import { policies, type ClientOptions } from 'cassandra-driver';
import { createSinkActivities } from '../../src/activities/write-rows';
import { applySchema } from '../../src/cassandra/apply-schema';
import { createCassandraClient } from '../../src/cassandra/client';
import { loadPipelineConfig } from '../../src/config/pipeline-config';
import { toUserRecord } from '../../src/record/user-record';
import { toUserRowPayload } from '../../src/record/user-row';
import { generateUsers } from '../../src/source/generator';
import { stackAddresses, uniqueName } from '../../src/bench/stack-addresses';

describe('writeRows against Cassandra', () => {
  const config = loadPipelineConfig({ CASSANDRA_CONTACT_POINTS: stackAddresses().cassandraContactPoints.join(','), CASSANDRA_KEYSPACE: uniqueName('sink') });
  const client = createCassandraClient(config.cassandra);

  beforeAll(async () => {
    await client.connect();
    await applySchema(client, config.cassandra);
  });

  afterAll(async () => {
    await client.execute(`DROP KEYSPACE IF EXISTS ${config.cassandra.keyspace}`).catch(() => undefined);
    await client.shutdown();
  });

  it('routes token-aware, prepares the upsert, keeps at most `concurrency` writes in flight, and upserts by id', async () => {
    expect((client as unknown as { options: ClientOptions }).options.policies?.loadBalancing).toBeInstanceOf(policies.loadBalancing.TokenAwarePolicy);
    const now = new Date();
    const rows = generateUsers({ seed: 'sink', page: 1, results: 200 }).map((u, i) =>
      toUserRowPayload(toUserRecord(u, { slotTime: now, fetchedAt: now }), { partition: 0, offset: String(i), ingestedAt: now }),
    );

    // Count requests in flight by wrapping the real client's execute.
    const execute = client.execute.bind(client);
    let inFlight = 0;
    let maxInFlight = 0;
    let prepared = true;
    (client as unknown as { execute: typeof client.execute }).execute = (async (query: string, params?: unknown, options?: { prepare?: boolean }) => {
      prepared &&= options?.prepare === true;
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        return await execute(query, params as never, options as never);
      } finally {
        inFlight--;
      }
    }) as typeof client.execute;

    const { writeRows } = createSinkActivities({ cassandra: client, keyspace: config.cassandra.keyspace, table: config.cassandra.table, concurrency: 4 });
    expect(await writeRows({ rows })).toBe(200);
    expect(await writeRows({ rows })).toBe(200); // the same batch again: an upsert, not 200 more rows
    expect(prepared).toBe(true);
    expect(maxInFlight).toBeGreaterThan(1);
    expect(maxInFlight).toBeLessThanOrEqual(4);
    (client as unknown as { execute: typeof client.execute }).execute = execute;

    const count = await client.execute(`SELECT count(*) AS n FROM ${config.cassandra.keyspace}.${config.cassandra.table}`);
    expect(Number(count.first().get('n'))).toBe(200);
  });
});
