import { ApplicationFailure } from '@temporalio/activity';
import type { Client } from 'cassandra-driver';
import type { KafkaMessage } from 'kafkajs';
import { boundValues, type BoundRow } from '../../cassandra/bound-row';
import { WRITE_PROFILE } from '../../cassandra/client';
import { writeInReplicaBatches, type RefusedBatch } from '../../cassandra/replica-batches';
import { upsertStatement } from '../../cassandra/upsert-statement';
import { forEachLimited } from '../../concurrency/for-each-limited';
import { RequestLimit } from '../../concurrency/request-limit';
import { cutBatchInSlices } from '../../sink/cut-batch';
import type { PipelineConfig } from '../../config/pipeline-config';
import { BATCH_NOT_ON_KAFKA, ROWS_NOT_HELD, type BatchRef, type SinkActivities } from '../../contracts/sink';
import type { BatchHandoff } from '../../sink/batch-handoff';

/**
 * What the writes read of the Cassandra settings. The process passes its whole `config.cassandra`, so a
 * setting added there reaches the writes without being copied field by field on the way.
 * - writeConcurrency: requests in flight from this process, over every batch being written;
 * - writeBatch: unlogged batches by replica set when `rows` > 1;
 * - ttlSeconds: USING TTL of every written row; absent, the table's default.
 */
export type SinkWriteSettings = Pick<PipelineConfig['cassandra'], 'keyspace' | 'table' | 'writeConcurrency' | 'ttlSeconds'> & {
  writeBatch?: PipelineConfig['cassandra']['writeBatch'];
};

export interface SinkActivityDeps {
  cassandra: Client;
  /** The process's `config.cassandra`, whole. */
  settings: SinkWriteSettings;
  handoff: BatchHandoff;
  /** Reads a batch's offset range again from Kafka (see kafka/read-range.ts). */
  readRange: (ref: BatchRef) => Promise<KafkaMessage[]>;
  onWritten?: (count: number, ms: number) => void;
  /** A batch written from a re-read of Kafka (its holder was gone or slow): rows written twice, at worst. */
  onReread?: (count: number) => void;
  /** Where a batch refused as too large is told; console by default. */
  log?: (line: string) => void;
}

export function createSinkActivities(deps: SinkActivityDeps): SinkActivities {
  const { keyspace, table, writeConcurrency: concurrency, ttlSeconds } = deps.settings;
  const statement = upsertStatement(keyspace, table, ttlSeconds);
  /**
   * Upserts rows by id, each at its own write time, prepared, at the configured consistency level,
   * at most `concurrency` requests in flight from the process: as unlogged batches of rows that share a
   * replica set when `writeBatch.rows` > 1, else row by row (token-aware either way). Rerunning rewrites
   * the same cells with the same times.
   */
  const batched = deps.settings.writeBatch && deps.settings.writeBatch.rows > 1 ? deps.settings.writeBatch : undefined;
  const limit = new RequestLimit(concurrency);
  const log = deps.log ?? ((line: string) => console.log(line));
  // The byte cap of the batches cut from now on: the configured one halved until it is at most half of
  // every batch Cassandra refused as too large. One refusal, not every batch, pays for a cap set above the
  // cluster's batch_size_fail_threshold; halving in whole steps keeps the uneven halves of one refused
  // batch from lowering it, and saying so, once each.
  const configuredBytes = batched?.bytes ?? 0;
  let batchBytes = configuredBytes;
  const onTooLarge = ({ rows, bytes }: RefusedBatch): void => {
    if (batchBytes <= bytes / 2) return;
    while (batchBytes > bytes / 2) batchBytes = Math.floor(batchBytes / 2);
    log(`Cassandra refused a batch of ${rows} rows (about ${bytes} bytes as it counts them) as too large: its rows go in smaller batches, and batches are cut at ${batchBytes} bytes from now on (CASSANDRA_WRITE_BATCH_BYTES is ${configuredBytes}); set it under the cluster's batch_size_fail_threshold`);
  };
  const upsert = async (rows: BoundRow[]): Promise<number> => {
    const started = Date.now();
    if (batched) {
      await writeInReplicaBatches(deps.cassandra, rows, { keyspace, statement, maxRows: batched.rows, maxBytes: batchBytes, concurrency, executionProfile: WRITE_PROFILE, limit, onTooLarge });
    } else {
      await forEachLimited(rows, concurrency, (row) =>
        limit.run(() => deps.cassandra.execute(statement, boundValues(row), { prepare: true, executionProfile: WRITE_PROFILE })),
      );
    }
    deps.onWritten?.(rows.length, Date.now() - started);
    return rows.length;
  };
  return {
    /** Writes a batch whose rows this process holds (it cut the batch); runs on this process's own task queue. */
    async writeRows(ref: BatchRef): Promise<number> {
      const rows = deps.handoff.get(ref.batchId);
      if (!rows) throw ApplicationFailure.nonRetryable(`rows of ${ref.batchId} are not held by this worker`, ROWS_NOT_HELD);
      const written = await upsert(rows);
      deps.handoff.written(ref.batchId, rows);
      return written;
    },
    /**
     * Writes a batch by reading its offset range again from Kafka: for batches whose consumer went away.
     * The messages read must be the batch's own (same digest); other records at those offsets are not
     * written under its name, they get batches of their own from the consumer.
     */
    async writeRowsFromKafka(ref: BatchRef): Promise<number> {
      const messages = await deps.readRange(ref);
      const cut = await cutBatchInSlices(messages, ref.partition, ref.writeTimeBefore ?? 0, new Date());
      if (ref.digest !== undefined && cut.digest !== ref.digest) {
        throw ApplicationFailure.nonRetryable(
          `${ref.topic} partition ${ref.partition} offsets ${ref.firstOffset}..${ref.lastOffset} now hold other records than batch ${ref.batchId} (the topic was recreated or its log truncated); its own records are no longer on Kafka`,
          BATCH_NOT_ON_KAFKA,
        );
      }
      deps.onReread?.(cut.rows.length);
      return upsert(cut.rows);
    },
  };
}

export type { SinkActivities } from '../../contracts/sink';
