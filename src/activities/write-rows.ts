import { ApplicationFailure } from '@temporalio/activity';
import { concurrent, type Client } from 'cassandra-driver';
import type { KafkaMessage } from 'kafkajs';
import { classifyMessages } from '../kafka/classify-messages';
import type { BatchHandoff } from './batch-handoff';
import type { BoundRow } from '../cassandra/bound-row';
import { USER_ROW_COLUMNS } from '../record/user-row';

export function upsertStatement(keyspace: string, table: string): string {
  return `INSERT INTO ${keyspace}.${table} (${USER_ROW_COLUMNS.join(', ')}) VALUES (${USER_ROW_COLUMNS.map(() => '?').join(', ')})`;
}

/** A batch as it travels through Temporal: where its rows are on Kafka, not the rows themselves. */
export interface BatchRef {
  batchId: string;
  topic: string;
  partition: number;
  firstOffset: string;
  lastOffset: string;
}

/** Raised when the rows of a batch are not held by the process whose activity worker got the task. */
export const ROWS_NOT_HELD = 'RowsNotHeldHere';

export interface SinkActivityDeps {
  cassandra: Client;
  keyspace: string;
  table: string;
  concurrency: number;
  handoff: BatchHandoff;
  /** Reads a batch's offset range again from Kafka (see kafka/read-range.ts). */
  readRange: (ref: BatchRef) => Promise<KafkaMessage[]>;
  onWritten?: (count: number, ms: number) => void;
}

export function createSinkActivities(deps: SinkActivityDeps) {
  const statement = upsertStatement(deps.keyspace, deps.table);
  /**
   * Upserts rows by id: prepared (executeConcurrent always prepares), token-aware (the driver routes
   * each row to a replica that owns it), at most `concurrency` in flight. Rerunning rewrites the same rows.
   */
  const upsert = async (rows: BoundRow[]): Promise<number> => {
    const started = Date.now();
    await concurrent.executeConcurrent(deps.cassandra, statement, rows as unknown[][], { concurrencyLevel: deps.concurrency, raiseOnFirstError: true });
    deps.onWritten?.(rows.length, Date.now() - started);
    return rows.length;
  };
  return {
    /** Writes a batch whose rows this process holds (it cut the batch); runs on this process's own task queue. */
    async writeRows(ref: BatchRef): Promise<number> {
      const rows = deps.handoff.get(ref.batchId);
      if (!rows) throw ApplicationFailure.nonRetryable(`rows of ${ref.batchId} are not held by this worker`, ROWS_NOT_HELD);
      return upsert(rows);
    },
    /** Writes a batch by reading its offset range again from Kafka: for batches whose consumer went away. */
    async writeRowsFromKafka(ref: BatchRef): Promise<number> {
      const messages = await deps.readRange(ref);
      const { rows } = classifyMessages(messages, ref.partition, new Date());
      return upsert(rows);
    },
  };
}

export type SinkActivities = ReturnType<typeof createSinkActivities>;
