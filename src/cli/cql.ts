// `npm run cql -- "<statement>"`: runs one CQL statement against the configured Cassandra and prints
// the rows, so the local stack needs no cqlsh (a Python tool) to be looked at.
import { loadDotEnv } from '../config/dot-env';
import { ConfigError } from '../config/parse-env';
import { loadPipelineConfig } from '../config/pipeline-config';
import { createCassandraClient } from '../cassandra/client';
import { exitWhenDrained } from '../logging/exit-when-drained';
import { GLANCE_COLUMNS } from '../record/user-row';

async function main(argv: string[]): Promise<number> {
  const statement = argv.join(' ').trim();
  if (statement === '' || statement === '--help' || statement === '-h') {
    console.log(`usage: npm run cql -- "<CQL statement>"\n  e.g. npm run cql -- "SELECT ${GLANCE_COLUMNS.join(', ')} FROM pipeline.random_names LIMIT 10"`);
    return statement === '' ? 2 : 0;
  }
  loadDotEnv();
  const config = loadPipelineConfig();
  const client = createCassandraClient(config.cassandra);
  try {
    await client.connect();
    const result = await client.execute(statement);
    const rows = result.rows ?? [];
    if (rows.length === 0) {
      console.log(result.columns ? '(no rows)' : 'OK');
      return 0;
    }
    const columns = result.columns.map((c) => c.name);
    const cells = rows.map((row) => columns.map((c) => formatCell(row.get(c))));
    const widths = columns.map((c, i) => Math.min(60, Math.max(c.length, ...cells.map((r) => r[i]!.length))));
    const line = (values: string[]) => values.map((v, i) => v.slice(0, widths[i]).padEnd(widths[i]!)).join(' | ');
    console.log(line(columns));
    console.log(widths.map((w) => '-'.repeat(w)).join('-+-'));
    for (const r of cells) console.log(line(r));
    console.log(`(${rows.length} row${rows.length === 1 ? '' : 's'}${result.pageState ? ', more available: add LIMIT' : ''})`);
    return 0;
  } finally {
    await client.shutdown();
  }
}

function formatCell(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

main(process.argv.slice(2)).then(
  (code) => exitWhenDrained(code),
  (error: unknown) => {
    console.error(`error: ${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}`);
    exitWhenDrained(1);
  },
);
