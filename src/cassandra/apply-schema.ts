import fs from 'node:fs';
import path from 'node:path';
import type { Client } from 'cassandra-driver';
import type { PipelineConfig } from '../config/pipeline-config';

export const CQL_DIR = path.resolve(__dirname, '..', '..', 'cql');

/** Splits a CQL file into statements, dropping `--` comments. The schema files contain no literal semicolons. */
export function cqlStatements(text: string, variables: Record<string, string>): string[] {
  const withoutComments = text.replace(/--[^\n]*/g, '');
  const substituted = withoutComments.replace(/\$\{(\w+)\}/g, (_, name: string) => {
    const value = variables[name];
    if (value === undefined) throw new Error(`CQL variable \${${name}} has no value`);
    return value;
  });
  return substituted.split(';').map((s) => s.trim()).filter(Boolean);
}

/** Applies every `cql/*.cql` in file-name order; the statements are idempotent (`IF NOT EXISTS`). */
export async function applySchema(client: Client, config: PipelineConfig['cassandra'], dir = CQL_DIR): Promise<string[]> {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cql')).sort();
  const variables = { keyspace: config.keyspace, table: config.table, local_datacenter: config.localDataCenter, replication_factor: String(config.replicationFactor) };
  for (const file of files) {
    for (const statement of cqlStatements(fs.readFileSync(path.join(dir, file), 'utf8'), variables)) {
      await client.execute(statement);
    }
  }
  return files;
}
