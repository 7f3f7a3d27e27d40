import type { Client } from '@temporalio/client';
import type { PipelineConfig } from '../config/pipeline-config';
import type { AuditSummary } from '../contracts/audit';
import { auditScheduleId } from './audit-schedule';
import { auditSlotWindow } from '../workflows/audit-slot-window';
import { workflowLink } from './web-ui';

export interface AuditRun {
  workflowId: string;
  closedAt: string | null;
  link: string;
  summary: AuditSummary;
}

export interface RecentAudits {
  /** The newest completed run of the audit schedule. */
  latest: AuditRun;
  /** Every run that completed within `withinMs`, so a mismatch stays visible after newer clean windows. */
  recent: { withinMs: number; runs: number; mismatchedSlots: number; missingUsers: number; mismatches: string[]; links: string[] };
}

/** The audit schedule's runs that completed in the last `withinMs` (an hour by default); undefined when none did. */
export async function recentAudits(temporal: Client, config: PipelineConfig, withinMs = 3_600_000): Promise<RecentAudits | undefined> {
  const since = new Date(Date.now() - withinMs).toISOString();
  const query = `WorkflowType = '${auditSlotWindow.name}' AND WorkflowId STARTS_WITH '${auditScheduleId(config)}-' AND ExecutionStatus = 'Completed' AND CloseTime >= '${since}'`;
  const runs: AuditRun[] = [];
  for await (const execution of temporal.workflow.list({ query })) {
    const summary = await temporal.workflow.getHandle<typeof auditSlotWindow>(execution.workflowId, execution.runId).result();
    runs.push({ workflowId: execution.workflowId, closedAt: execution.closeTime?.toISOString() ?? null, link: workflowLink(config.temporal.uiUrl, config.temporal.namespace, execution.workflowId, execution.runId), summary });
  }
  if (runs.length === 0) return undefined;
  runs.sort((a, b) => (b.closedAt ?? '').localeCompare(a.closedAt ?? ''));
  const mismatched = runs.filter((r) => r.summary.mismatchedSlots > 0);
  return {
    latest: runs[0]!,
    recent: {
      withinMs,
      runs: runs.length,
      mismatchedSlots: mismatched.reduce((sum, r) => sum + r.summary.mismatchedSlots, 0),
      missingUsers: mismatched.reduce((sum, r) => sum + r.summary.missingUsers, 0),
      mismatches: mismatched.flatMap((r) => r.summary.mismatches),
      links: mismatched.map((r) => r.link),
    },
  };
}
