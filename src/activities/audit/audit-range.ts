import { auditSlots, type AuditDeps } from '../../audit/audit-slots';
import { describeVerdict } from '../../audit/reconcile-slot';
import type { AuditActivities, AuditRangeInput, AuditSummary } from '../../contracts/audit';

/** The audit's activity, over the clients of the process that runs it (the sink worker: it has Cassandra). */
export function createAuditActivities(deps: AuditDeps & { onAudited?: (summary: AuditSummary) => void }): AuditActivities {
  return {
    async auditRange(input: AuditRangeInput): Promise<AuditSummary> {
      const report = await auditSlots(deps, { from: new Date(input.from), to: new Date(input.to), settleMs: input.settleMs });
      const { mismatched, users, ...counts } = report;
      const summary: AuditSummary = {
        ...counts,
        mismatchedSlots: mismatched.length,
        missingUsers: users.missing,
        mismatches: mismatched.slice(0, 100).map(describeVerdict),
      };
      deps.onAudited?.(summary);
      return summary;
    },
  };
}
