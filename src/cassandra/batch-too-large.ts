import { errors, types } from 'cassandra-driver';

/**
 * True when Cassandra refused a batch as over its `batch_size_fail_threshold` ("Batch too large").
 * Sending the same batch again is refused again; its rows go through in smaller batches. A batch of
 * one partition is never measured, so one row is always accepted.
 */
export function isBatchTooLarge(error: unknown): boolean {
  return error instanceof errors.ResponseError && error.code === types.responseErrorCodes.invalid && /batch too large/i.test(error.message);
}
