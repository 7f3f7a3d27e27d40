import type { Client } from '@temporalio/client';
import type { PipelineConfig } from '../config/pipeline-config';
import type { AuditSummary } from '../contracts/audit';
import { auditScheduleId } from '../schedule/audit-schedule';
import { auditSlotWindow } from '../workflows/audit-slot-window';
import { workflowLink } from './web-ui';

export interface LatestAudit {
  workflowId: string;
  closedAt: string | null;
  link: string;
  summary: AuditSummary;
}

/** The result of the audit schedule's most recent completed run, or undefined when none ran yet. */
export async function latestAudit(temporal: Client, config: PipelineConfig): Promise<LatestAudit | undefined> {
  const query = `WorkflowType = '${auditSlotWindow.name}' AND WorkflowId STARTS_WITH '${auditScheduleId(config)}-' AND ExecutionStatus = 'Completed'`;
  let newest: { workflowId: string; runId: string; closedAt?: Date } | undefined;
  for await (const execution of temporal.workflow.list({ query, pageSize: 20 })) {
    if (!newest || (execution.closeTime && (!newest.closedAt || execution.closeTime > newest.closedAt))) {
      newest = { workflowId: execution.workflowId, runId: execution.runId, ...(execution.closeTime ? { closedAt: execution.closeTime } : {}) };
    }
  }
  if (!newest) return undefined;
  const summary = await temporal.workflow.getHandle<typeof auditSlotWindow>(newest.workflowId, newest.runId).result();
  return { workflowId: newest.workflowId, closedAt: newest.closedAt?.toISOString() ?? null, link: workflowLink(config.temporal.uiUrl, config.temporal.namespace, newest.workflowId, newest.runId), summary };
}
