import { forEachLimited } from '../concurrency/for-each-limited';
import type { RequestLimit } from '../concurrency/request-limit';
import type { Client } from 'cassandra-driver';
import { isBatchTooLarge } from './batch-too-large';
import { BOUND_TYPES, boundKey, type BoundRow } from './bound-row';
import { lazyBoundValues } from './lazy-bound-values';

/**
 * What Cassandra counts for one cell besides its value: its timestamp (8), TTL (4) and deletion time (4),
 * and a little more that was measured, not derived: with 16 the estimate came out 10 % under Cassandra's
 * count for these rows, with 20 it is about 2 % over (test/integration/sink-batched-writes.test.ts).
 */
const CELL_OVERHEAD = 20;
/** And for one row of a batch: the row's liveness timestamp and TTL, its deletion and its partition's deletion. */
const ROW_OVERHEAD = 16 + 12 + 12;

/**
 * Bytes a bound row adds to a batch as Cassandra measures a batch against `batch_size_warn_threshold`
 * and `batch_size_fail_threshold`: the data size of the mutation, i.e. every cell's value with its
 * timestamp, TTL and deletion time, plus each row's own. The partition key (first) is counted as a
 * value; the write time (last) is not a cell. Text counts its UTF-8 bytes, every other value 8 (a
 * uuid 16). For these rows that is about 1.6 times their size on the wire, so a cap on wire bytes
 * would let batches past the fail threshold.
 */
export function estimatedRowBytes(row: BoundRow): number {
  let bytes = ROW_OVERHEAD;
  let at = 0;
  const cells = BOUND_TYPES.length - 1;
  for (let i = 0; i < cells; i++) {
    const length = row.readInt32BE(at);
    at += 4 + length;
    if (length < 0) continue; // null: no cell
    const value = BOUND_TYPES[i] === 'text' ? length : BOUND_TYPES[i] === 'uuid' ? 16 : 8;
    bytes += i === 0 ? value : CELL_OVERHEAD + value;
  }
  return bytes;
}

/**
 * Cuts rows into unlogged batches that Cassandra applies cheaply: every batch holds rows owned by one
 * set of replicas (`replicasOf`), at most `maxRows` rows and at most `maxBytes` estimated bytes (keep it
 * under the cluster's `batch_size_fail_threshold`). Rows keep their order within a replica set. Pure.
 */
export function replicaBatches<R = BoundRow>(rows: readonly R[], replicasOf: (row: R) => string, maxRows: number, maxBytes: number, sizeOf: (row: R) => number = estimatedRowBytes as unknown as (row: R) => number): R[][] {
  const open = new Map<string, { rows: R[]; bytes: number }>();
  const batches: R[][] = [];
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
    const replicas = client.getReplicas(keyspace, boundKey(row));
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
  /** Told of each batch Cassandra refused as too large, before its rows are written in two halves. */
  onTooLarge?: (refused: RefusedBatch) => void;
}

/** A batch Cassandra refused as over its batch_size_fail_threshold: its rows, and its bytes as estimated. */
export interface RefusedBatch {
  rows: number;
  bytes: number;
}

/**
 * Writes rows as unlogged batches grouped by replica set, `concurrency` batches in flight, each routed
 * to a replica of its rows. Every statement keeps its own `USING TIMESTAMP`, so order within a key holds
 * however the batches interleave. A batch Cassandra refuses as too large (a cap above the cluster's
 * `batch_size_fail_threshold`) is written again as two halves, down to single rows, which Cassandra does
 * not measure: a refused batch costs requests, never its rows.
 */
export async function writeInReplicaBatches(client: Client, rows: readonly BoundRow[], options: BatchedWrite): Promise<void> {
  const batches = replicaBatches(rows, replicaSetOf(client, options.keyspace), options.maxRows, options.maxBytes);
  const send = (batch: readonly BoundRow[]) => client.batch(
    batch.map((row) => ({ query: options.statement, params: lazyBoundValues(row) })),
    { prepare: true, logged: false, executionProfile: options.executionProfile, routingKey: boundKey(batch[0]!) },
  );
  const write = async (batch: readonly BoundRow[]): Promise<void> => {
    try {
      await (options.limit ? options.limit.run(() => send(batch)) : send(batch));
    } catch (error) {
      if (batch.length < 2 || !isBatchTooLarge(error)) throw error;
      options.onTooLarge?.({ rows: batch.length, bytes: batch.reduce((sum, row) => sum + estimatedRowBytes(row), 0) });
      const half = Math.ceil(batch.length / 2);
      await Promise.all([write(batch.slice(0, half)), write(batch.slice(half))]);
    }
  };
  await forEachLimited(batches, options.concurrency, write);
}
