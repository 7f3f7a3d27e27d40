import { USER_ROW_COLUMN_NAMES } from '../record/user-row';

/**
 * The sink's upsert: one row by id, its write time bound last (`USING TIMESTAMP ?`, see
 * sink/write-time.ts), and a TTL when one is configured. Without a TTL the table's default applies.
 */
export function upsertStatement(keyspace: string, table: string, ttlSeconds?: number): string {
  const using = ttlSeconds === undefined ? 'USING TIMESTAMP ?' : `USING TTL ${ttlSeconds} AND TIMESTAMP ?`;
  return `INSERT INTO ${keyspace}.${table} (${USER_ROW_COLUMN_NAMES.join(', ')}) VALUES (${USER_ROW_COLUMN_NAMES.map(() => '?').join(', ')}) ${using}`;
}
