import fs from 'node:fs';
import path from 'node:path';
import { cqlStatements, CQL_DIR } from '../../src/cassandra/apply-schema';
import { upsertStatement } from '../../src/cassandra/upsert-statement';
import { USER_ROW_COLUMN_NAMES as ROW_COLUMNS, USER_ROW_COLUMNS } from '../../src/record/user-row';

describe('CQL schema files', () => {
  it('split into statements with variables substituted and comments dropped', () => {
    const statements = fs
      .readdirSync(CQL_DIR)
      .sort()
      .flatMap((f) => cqlStatements(fs.readFileSync(path.join(CQL_DIR, f), 'utf8'), { keyspace: 'ks', table: 'people', local_datacenter: 'dc1', replication_factor: '3' }));
    expect(statements).toHaveLength(2);
    expect(statements[0]).toMatch(/^CREATE KEYSPACE IF NOT EXISTS ks\s+WITH replication = \{'class': 'NetworkTopologyStrategy', 'dc1': 3\}$/);
    expect(statements[1]).toMatch(/^CREATE TABLE IF NOT EXISTS ks\.people \(/);
    expect(statements[1]).toContain('id uuid PRIMARY KEY');
    expect(statements.join(' ')).not.toContain('--');
  });

  it('refuse a statement with an unknown variable', () => {
    expect(() => cqlStatements('CREATE TABLE ${nope}.t (id int PRIMARY KEY);', {})).toThrow('${nope}');
  });

  it('declare the table the row model declares: the same columns, types and order', () => {
    const table = fs.readFileSync(path.join(CQL_DIR, '002-random-names.cql'), 'utf8');
    const [statement] = cqlStatements(table, { keyspace: 'ks', table: 't' });
    const body = statement!.slice(statement!.indexOf('(') + 1, statement!.lastIndexOf(')'));
    const declared = body.split(',').map((line) => line.trim().split(/\s+/).slice(0, 2).join(' '));
    expect(declared).toEqual(USER_ROW_COLUMNS.map((c) => `${c.name} ${c.cql}`));
    expect(body).toMatch(new RegExp(`\\b${ROW_COLUMNS[0]} uuid PRIMARY KEY\\b`));
  });

  it('upsert every column the row model declares', () => {
    const values = `INSERT INTO ks.t (${ROW_COLUMNS.join(', ')}) VALUES (${ROW_COLUMNS.map(() => '?').join(', ')})`;
    expect(upsertStatement('ks', 't')).toBe(`${values} USING TIMESTAMP ?`);
    expect(upsertStatement('ks', 't', 3600)).toBe(`${values} USING TTL 3600 AND TIMESTAMP ?`);
    expect(upsertStatement('ks', 't', 0)).toBe(`${values} USING TTL 0 AND TIMESTAMP ?`);
    expect(upsertStatement('ks', 't')).toBe(
      'INSERT INTO ks.t (id, full_name, gender, location, city, country, postcode, latitude, longitude, email, slot_time, fetched_at, kafka_partition, kafka_offset, ingested_at) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?',
    );
  });
});
