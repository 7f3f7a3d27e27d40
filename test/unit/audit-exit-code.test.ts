import { AUDIT_HELP, auditExitCode } from '../../src/cli/commands/audit';

describe('pipeline audit exit code', () => {
  const mismatch = { kind: 'not-completed', run: { workflowId: 's-2026-01-01T00:00:00.000Z', slotTime: '2026-01-01T00:00:00.000Z', status: 'FAILED' } } as const;
  it.each([
    ['every slot reconciled', { mismatched: [], unaudited: 0 }, 0],
    ['a slot not auditable, none mismatched', { mismatched: [], unaudited: 2 }, 3],
    ['a slot mismatched', { mismatched: [mismatch], unaudited: 0 }, 1],
    ['a slot mismatched and another not auditable', { mismatched: [mismatch], unaudited: 1 }, 1],
  ])('%s: exit %s', (_, report, code) => {
    expect(auditExitCode(report)).toBe(code);
  });

  it('--help lists every exit code', () => {
    const codes = AUDIT_HELP.slice(AUDIT_HELP.indexOf('exit codes:'));
    for (const code of ['0 every slot reconciles', '1 a slot mismatched', '2 wrong command line', '3 none mismatched but a slot is not auditable']) expect(codes).toContain(code);
  });
});
