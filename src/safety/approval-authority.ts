import type { ApprovalLevel } from '../domain/approval-level.ts';
import { roleAtLeast, type Actor, type Role } from '../domain/roles.ts';

export type ApprovalRefusal = { ok: false; reason: string };

/**
 * Whether an actor's decision counts at a gate of `level`: the role must meet the level, and
 * with the two-person rule the one who asked for the operation cannot approve it. `always`: the
 * rule holds whatever the setting says (a change to Mender's self-protected files).
 */
export function mayApprove(actor: Actor, level: ApprovalLevel, requestedBy: string, twoPersonRule: boolean | 'always'): { ok: true } | ApprovalRefusal {
  if (level === 'manual-only')
    return { ok: false, reason: 'this change is manual-only: Mender will not merge it; review the branch and merge it yourself, or reject it' };
  const needed: Role = level === 'admin' ? 'admin' : 'team-lead';
  if (!roleAtLeast(actor.role, needed)) return { ok: false, reason: `${actor.name} is ${actor.role}; approving at level ${level} needs ${needed}` };
  if (twoPersonRule && level !== 'auto' && actor.name === requestedBy) {
    if (twoPersonRule === 'always')
      return {
        ok: false,
        reason: `${actor.name} asked for this operation and cannot approve it too: it changes Mender's self-protected files, so the two-person rule holds whatever the setting in Settings says; another ${needed} must approve`,
      };
    return {
      ok: false,
      reason: `${actor.name} asked for this operation and cannot approve it too (two-person rule); another ${needed} must approve, or an admin turns the two-person rule off in Settings (Autonomy and approvals) for a team of one`,
    };
  }
  return { ok: true };
}
