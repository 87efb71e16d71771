/** Who must approve at a gate: passed straight through, a team lead, an admin, or a human outside Mender. */
export type ApprovalLevel = 'auto' | 'team-lead' | 'admin' | 'manual-only';
