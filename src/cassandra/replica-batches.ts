import type { RequestLimit } from './request-limit';
import { types, type Client } from 'cassandra-driver';
import type { BoundRow } from './bound-row';

/** Bytes a bound row adds to a batch request, estimated from its values (strings as UTF-8, the rest at their wire size). */
export function estimatedRowBytes(row: BoundRow): number {
  let bytes = 16; // statement id and per-value length prefixes, roughly
  for (const value of row) {
    if (typeof value === 'string') bytes += Buffer.byteLength(value) + 4;
    else if (value instanceof types.Uuid) bytes += 20;
    else bytes += 12;
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
  let next = 0;
  const lanes = Array.from({ length: Math.min(options.concurrency, batches.length) }, async () => {
    while (next < batches.length) {
      const batch = batches[next++]!;
      const send = () => client.batch(
        batch.map((params) => ({ query: options.statement, params: params as unknown[] })),
        { prepare: true, logged: false, executionProfile: options.executionProfile, routingKey: (batch[0]![0] as types.Uuid).getBuffer() },
      );
      await (options.limit ? options.limit.run(send) : send());
    }
  });
  await Promise.all(lanes);
}
