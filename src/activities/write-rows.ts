import { concurrent, types, type Client } from 'cassandra-driver';
import { USER_ROW_COLUMNS, type UserRowPayload } from '../record/user-row';

export type { UserRowPayload };

/** Bound values in USER_ROW_COLUMNS order, typed as the table expects them. */
export function toBoundValues(row: UserRowPayload): unknown[] {
  return [
    types.Uuid.fromString(row.id), row.full_name, row.gender, row.location, row.city, row.country, row.postcode,
    row.latitude, row.longitude, row.email, new Date(row.slot_time), new Date(row.fetched_at),
    row.kafka_partition, types.Long.fromString(row.kafka_offset), new Date(row.ingested_at),
  ];
}

export function upsertStatement(keyspace: string, table: string): string {
  return `INSERT INTO ${keyspace}.${table} (${USER_ROW_COLUMNS.join(', ')}) VALUES (${USER_ROW_COLUMNS.map(() => '?').join(', ')})`;
}

export function createSinkActivities(deps: { cassandra: Client; keyspace: string; table: string; concurrency: number; onWritten?: (count: number, ms: number) => void }) {
  const statement = upsertStatement(deps.keyspace, deps.table);
  return {
    /**
     * Upserts a batch by id: prepared (executeConcurrent always prepares), token-aware (the driver routes each row to a replica that owns
     * it), at most `concurrency` in flight. Rerunning a batch rewrites the same rows, never adds any.
     */
    async writeRows(input: { rows: UserRowPayload[] }): Promise<number> {
      const started = Date.now();
      await concurrent.executeConcurrent(deps.cassandra, statement, input.rows.map(toBoundValues), {
        concurrencyLevel: deps.concurrency,
        raiseOnFirstError: true,
      });
      deps.onWritten?.(input.rows.length, Date.now() - started);
      return input.rows.length;
    },
  };
}

export type SinkActivities = ReturnType<typeof createSinkActivities>;
