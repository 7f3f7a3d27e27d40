import { ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import { createOrDescribe, describeIfExists } from '../schedule/schedule-state';
import type { PipelineConfig } from '../config/pipeline-config';
import type { AuditWindowInput } from '../contracts/audit';
import { auditSlotWindow } from '../workflows/audit-slot-window';

/** The audit schedule belongs to the slot schedule: `<slot schedule id>-audit`. */
export function auditScheduleId(config: PipelineConfig): string {
  return `${config.schedule.id}-audit`;
}

function desiredAuditSchedule(config: PipelineConfig): ScheduleOptions {
  const input: AuditWindowInput = { intervalMs: config.audit.intervalMs, settleMs: config.audit.settleMs };
  return {
    scheduleId: auditScheduleId(config),
    spec: { intervals: [{ every: config.audit.intervalMs }] },
    action: {
      type: 'startWorkflow',
      workflowType: auditSlotWindow.name,
      workflowId: auditScheduleId(config),
      // The sink worker runs it: it holds the Cassandra client the audit reads with.
      taskQueue: config.temporal.sinkTaskQueue,
      args: [input],
      workflowExecutionTimeout: '30 minutes',
    },
    // A window missed while nothing ran is audited when the schedule catches up, one run at a time.
    policies: { overlap: ScheduleOverlapPolicy.BUFFER_ONE, catchupWindow: '1 day' },
  };
}

/**
 * Creates the audit schedule when AUDIT_INTERVAL is set, updates it when its interval or settle time
 * changed, deletes it when AUDIT_INTERVAL is 0. It follows its own pause state, not the slot schedule's.
 */
export async function ensureAuditSchedule(client: Client, config: PipelineConfig): Promise<'created' | 'updated' | 'unchanged' | 'deleted' | 'off'> {
  const handle = client.schedule.getHandle(auditScheduleId(config));
  let current = await describeIfExists(handle);
  if (config.audit.intervalMs === 0) {
    if (!current) return 'off';
    await handle.delete();
    return 'deleted';
  }
  const desired = desiredAuditSchedule(config);
  if (!current) {
    const created = await createOrDescribe(client, handle, desired);
    if (created === 'created') return created;
    current = created;
  }
  const action = current.action;
  const args = action.type === 'startWorkflow' ? (action.args as AuditWindowInput[] | undefined)?.[0] : undefined;
  const same =
    Number(current.spec.intervals?.[0]?.every) === config.audit.intervalMs &&
    action.type === 'startWorkflow' &&
    action.taskQueue === config.temporal.sinkTaskQueue &&
    args?.intervalMs === config.audit.intervalMs &&
    args?.settleMs === config.audit.settleMs;
  if (same) return 'unchanged';
  await handle.update((previous) => ({ ...previous, spec: desired.spec, action: desired.action, policies: desired.policies }));
  return 'updated';
}
