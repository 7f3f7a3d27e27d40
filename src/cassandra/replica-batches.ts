import { forEachLimited } from '../concurrency/for-each-limited';
import type { RequestLimit } from '../concurrency/request-limit';
import { types, type Client } from 'cassandra-driver';
import type { BoundRow } from './bound-row';

/**
 * What Cassandra counts for one cell besides its value: its timestamp (8), TTL (4) and deletion time (4),
 * and a little more that was measured, not derived: with 16 the estimate came out 10 % under Cassandra's
 * count for these rows, with 20 it is about 2 % over (test/integration/sink-batched-writes.test.ts).
 */
const CELL_OVERHEAD = 20;
/** And for one row of a batch: the row's liveness timestamp and TTL, its deletion and its partition's deletion. */
const ROW_OVERHEAD = 16 + 12 + 12;

function valueBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (value instanceof types.Uuid) return 16;
  return 8; // numbers, Longs and times: 8 bytes at most on the wire
}

/**
 * Bytes a bound row adds to a batch as Cassandra measures a batch against `batch_size_warn_threshold`
 * and `batch_size_fail_threshold`: the data size of the mutation, i.e. every cell's value with its
 * timestamp, TTL and deletion time, plus each row's own. The partition key (first) is counted as a
 * value; the write time (last) is not a cell. For these rows that is about 1.6 times their size on the
 * wire, so a cap on wire bytes would let batches past the fail threshold.
 */
export function estimatedRowBytes(row: BoundRow): number {
  let bytes = ROW_OVERHEAD + valueBytes(row[0]);
  for (let i = 1; i < row.length - 1; i++) {
    const value = row[i];
    if (value !== null && value !== undefined) bytes += CELL_OVERHEAD + valueBytes(value);
  }
  return bytes;
}

/**
 * Cuts rows into unlogged batches that Cassandra applies cheaply: every batch holds rows owned by one
 * set of replicas (`replicasOf`), at most `maxRows` rows and at most `maxBytes` estimated bytes (keep it
 * under the cluster's `batch_size_fail_threshold`). Rows keep their order within a replica set. Pure.
 */
export function replicaBatches(rows: readonly BoundRow[], replicasOf: (row: BoundRow) => string, maxRows: number, maxBytes: number, sizeOf: (row: BoundRow) => number = estimatedRowBytes): BoundRow[][] {
  const open = new Map<string, { rows: BoundRow[]; bytes: number }>();
  const batches: BoundRow[][] = [];
  for (const row of rows) {
    const replicas = replicasOf(row);
    const size = sizeOf(row);
    let batch = open.get(replicas);
    if (batch && (batch.rows.length >= maxRows || batch.bytes + size > maxBytes)) {
      batches.push(batch.rows);
      batch = undefined;
    }
    if (!batch) {
      batch = { rows: [], bytes: 0 };
      open.set(replicas, batch);
    }
    batch.rows.push(row);
    batch.bytes += size;
  }
  for (const batch of open.values()) if (batch.rows.length > 0) batches.push(batch.rows);
  return batches;
}

/** The replicas the driver's token map gives a row's partition key (its id), as one comparable string. */
export function replicaSetOf(client: Client, keyspace: string): (row: BoundRow) => string {
  // One node owns every token: no need to hash each row's key (murmur3 in JavaScript) to find it.
  if (client.hosts.length === 1) {
    const only = client.hosts.values()[0]!.address;
    return () => only;
  }
  return (row) => {
    const replicas = client.getReplicas(keyspace, (row[0] as types.Uuid).getBuffer());
    return replicas ? replicas.map((host) => host.address).sort().join(',') : '';
  };
}

export interface BatchedWrite {
  keyspace: string;
  statement: string;
  maxRows: number;
  maxBytes: number;
  /** Batches in flight at once for this call. */
  concurrency: number;
  executionProfile: string;
  /** A limit shared with every other write of the process, on top of `concurrency`. */
  limit?: RequestLimit;
}

/**
 * Writes rows as unlogged batches grouped by replica set, `concurrency` batches in flight, each routed
 * to a replica of its rows. Every statement keeps its own `USING TIMESTAMP`, so order within a key holds
 * however the batches interleave.
 */
export async function writeInReplicaBatches(client: Client, rows: readonly BoundRow[], options: BatchedWrite): Promise<void> {
  const batches = replicaBatches(rows, replicaSetOf(client, options.keyspace), options.maxRows, options.maxBytes);
  await forEachLimited(batches, options.concurrency, (batch) => {
    const send = () => client.batch(
      batch.map((params) => ({ query: options.statement, params: params as unknown[] })),
      { prepare: true, logged: false, executionProfile: options.executionProfile, routingKey: (batch[0]![0] as types.Uuid).getBuffer() },
    );
    return options.limit ? options.limit.run(send) : send();
  });
}
