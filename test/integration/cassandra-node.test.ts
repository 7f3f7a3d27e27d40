import { Client, types } from 'cassandra-driver';
import { stackAddresses, uniqueName } from '../support/stack-addresses';

describe('Cassandra node of the local stack', () => {
  it('creates a keyspace and table, inserts with prepared statements and reads the rows back', async () => {
    const client = new Client({ contactPoints: stackAddresses().cassandraContactPoints, localDataCenter: 'datacenter1' });
    const keyspace = uniqueName('roundtrip');
    await client.connect();
    try {
      await client.execute(`CREATE KEYSPACE ${keyspace} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`);
      await client.execute(`CREATE TABLE ${keyspace}.people (id uuid PRIMARY KEY, full_name text, postcode text)`);
      const rows = [
        { id: types.Uuid.random(), full_name: 'Mrs. Antonida Kaminska', postcode: '3067 KP' },
        { id: types.Uuid.random(), full_name: "Mr. Seán O'Brien", postcode: '12345' },
      ];
      for (const row of rows) {
        await client.execute(`INSERT INTO ${keyspace}.people (id, full_name, postcode) VALUES (?, ?, ?)`, [row.id, row.full_name, row.postcode], { prepare: true });
      }
      const result = await client.execute(`SELECT id, full_name, postcode FROM ${keyspace}.people`);
      const read = result.rows.map((r) => ({ id: r.get('id').toString(), full_name: r.get('full_name'), postcode: r.get('postcode') }));
      expect(read.sort((a, b) => a.id.localeCompare(b.id))).toEqual(
        rows.map((r) => ({ ...r, id: r.id.toString() })).sort((a, b) => a.id.localeCompare(b.id)),
      );
    } finally {
      await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).catch(() => undefined);
      await client.shutdown();
    }
  });
});
