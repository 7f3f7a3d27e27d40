import { defineSearchAttributeKey, SearchAttributeType, type TypedSearchAttributes } from '@temporalio/common';

/** The time a schedule meant a run for: Temporal sets it on every scheduled and backfilled run. */
export const SCHEDULED_START_TIME = defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME);

/** The time a workflow run stands for: its scheduled time, or its start time when it was started by hand. */
export function scheduledTimeOf(info: { typedSearchAttributes: TypedSearchAttributes; startTime: Date }): Date {
  return info.typedSearchAttributes.get(SCHEDULED_START_TIME) ?? info.startTime;
}
