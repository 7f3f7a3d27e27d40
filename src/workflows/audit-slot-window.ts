import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { AuditActivities, AuditSummary, AuditWindowInput } from '../contracts/audit';
import { scheduledTimeOf } from '../contracts/scheduled-time';

const { auditRange } = proxyActivities<AuditActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 5 },
});

/**
 * One run of the audit schedule: reconciles the slots whose slot time lies in the window that ends
 * `settleMs` before this run's scheduled time and is one audit interval long. Consecutive runs cover
 * consecutive windows; the result (slots, mismatches, one line per mismatched slot) is in the Web UI.
 */
export async function auditSlotWindow(input: AuditWindowInput): Promise<AuditSummary> {
  const info = workflowInfo();
  const at = scheduledTimeOf(info).getTime();
  const to = new Date(at - input.settleMs);
  const from = new Date(to.getTime() - input.intervalMs + 1);
  return auditRange({ from: from.toISOString(), to: to.toISOString(), settleMs: 0 });
}
