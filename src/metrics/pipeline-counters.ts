/** Running totals of one process, for the status line (and later for metrics endpoints). */
export class PipelineCounters {
  slotsRun = 0;
  usersFetched = 0;
  usersPublished = 0;
  rowsWritten = 0;
  batchesWritten = 0;
  deadLettered = 0;
  consumerLag: number | undefined = undefined;
}
