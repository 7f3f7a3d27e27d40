import { WorkflowNotFoundError, type Client } from '@temporalio/client';

/** The slot schedule as `pipeline schedule describe` and `pipeline status` show it: state, spec, next fires, recent runs. */
export interface ScheduleSummary {
  scheduleId: string;
  paused: boolean;
  note: string | null;
  intervalMs: number | null;
  usersPerSlot: number | null;
  nextFireTimes: string[];
  recentRuns: { slotTime: string; workflowId: string; status: string }[];
  actionsTaken: number;
  actionsSkippedOverlap: number;
  actionsMissedCatchupWindow: number;
}

export async function describeSchedule(temporal: Client, id: string): Promise<ScheduleSummary> {
  const d = await temporal.schedule.getHandle(id).describe();
  const args = d.action.type === 'startWorkflow' ? (d.action.args as { usersPerSlot?: number }[] | undefined) : undefined;
  const recentRuns = await Promise.all(
    d.info.recentActions.slice(-10).map(async (a) => {
      let status = 'UNKNOWN';
      try {
        status = (await temporal.workflow.getHandle(a.action.workflow.workflowId, a.action.workflow.firstExecutionRunId).describe()).status.name;
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
        status = 'NOT_FOUND';
      }
      return { slotTime: a.scheduledAt.toISOString(), workflowId: a.action.workflow.workflowId, status };
    }),
  );
  return {
    scheduleId: id,
    paused: d.state.paused,
    note: d.state.note ?? null,
    intervalMs: d.spec.intervals?.[0] ? Number(d.spec.intervals[0].every) : null,
    usersPerSlot: args?.[0]?.usersPerSlot ?? null,
    nextFireTimes: d.info.nextActionTimes.slice(0, 5).map((t) => t.toISOString()),
    recentRuns,
    actionsTaken: d.info.numActionsTaken,
    actionsSkippedOverlap: d.info.numActionsSkippedOverlap,
    actionsMissedCatchupWindow: d.info.numActionsMissedCatchupWindow,
  };
}
