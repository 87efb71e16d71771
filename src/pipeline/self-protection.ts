import type { Settings } from '../config/settings-schema.ts';
import type { ApprovalLevel } from '../domain/approval-level.ts';
import { createSelfProtectedPathMatcher, policyFileInCheckout } from '../safety/self-protected-paths.ts';
import { runGit } from '../workspace/git.ts';

/** A repository as far as self-protection cares: Mender's own checkout or not, and where it is. */
export interface SelfProtectionSubject {
  self: boolean;
  path: string;
}

/**
 * For Mender's own repository, the matcher of its self-protected files: the fixed list and the
 * policy file in force when it lies in the checkout. Undefined for every other repository.
 */
export function selfProtectionMatcher(
  settings: Pick<Settings, 'policyFile'>,
  repo: SelfProtectionSubject,
): ((relativePath: string) => string | undefined) | undefined {
  if (!repo.self) return undefined;
  const policyFile = policyFileInCheckout(settings.policyFile, repo.path);
  return createSelfProtectedPathMatcher(policyFile ? [policyFile] : []);
}

/**
 * The self-protected paths a change from `from` to `to` touches, both sides of a rename
 * included. Listed NUL-separated: a quoted name (non-ASCII, a tab) would not match its pattern.
 */
export async function selfProtectedChanges(
  root: string,
  from: string,
  to: string,
  isSelfProtected: (relativePath: string) => string | undefined,
): Promise<string[]> {
  const listed = await runGit(root, ['diff', '--no-ext-diff', '--no-textconv', '--name-only', '--no-renames', '-z', from, to]);
  const paths = listed.stdout.split('\0').filter(Boolean);
  return [...new Set(paths)].filter((file) => isSelfProtected(file) !== undefined);
}

/** Who must take a change to Mender's self-protected files, and how; recorded on the gate's event. */
export interface SelfProtectionRecord {
  paths: string[];
  level: ApprovalLevel;
  twoPersonRule: true;
  /** The policy's own outcome before the floor, when the floor changed it. */
  policyDecided?: { outcome: string; level: ApprovalLevel; rule: string };
  reason: string;
}

interface GateDecisionShape {
  pass: boolean;
  level: ApprovalLevel;
  reason: string;
  rule: string;
  recheckAt?: string;
}

const levelOrder: readonly ApprovalLevel[] = ['auto', 'team-lead', 'admin', 'manual-only'];

/** The rule id a gate's event names when the floor, not the policy, decided. */
export const selfProtectionRule = 'self-protection-floor';

/**
 * The floor under the change gate for a change to Mender's self-protected files, applied after
 * the policy decides so that no policy file can loosen it: never an automatic pass nor a wait for
 * the clock, an admin at least (manual-only stays manual-only), and the two-person rule whatever
 * the setting says. A change that touches none of them keeps the policy's decision.
 */
export function applySelfProtectionFloor<Decision extends GateDecisionShape>(
  decision: Decision,
  paths: readonly string[],
): Decision & { selfProtection?: SelfProtectionRecord } {
  if (paths.length === 0) return decision;
  const level = levelOrder.indexOf(decision.level) >= levelOrder.indexOf('admin') ? decision.level : 'admin';
  // A wait for the clock would pass by itself later: that is a loosening too.
  const loosened = decision.pass || decision.level !== level || decision.recheckAt !== undefined;
  const reason = `the change touches Mender's self-protected files (${paths.join(', ')}): Mender never merges it by itself; ${
    level === 'manual-only' ? 'only a person can take it, by hand' : 'an admin other than the one who asked approves it (two-person rule)'
  }`;
  const floored: Decision & { selfProtection?: SelfProtectionRecord } = {
    ...decision,
    pass: false,
    level,
    reason: loosened ? reason : `${decision.reason}; ${reason}`,
    rule: loosened ? selfProtectionRule : decision.rule,
    selfProtection: {
      paths: [...paths],
      level,
      twoPersonRule: true,
      ...(loosened ? { policyDecided: { outcome: decision.pass ? 'allow' : 'ask', level: decision.level, rule: decision.rule } } : {}),
      reason,
    },
  };
  delete floored.recheckAt;
  return floored;
}

/**
 * The two-person rule at the change gate: `always` when the gate's latest `approval.requested`
 * event recorded the self-protection floor, the setting otherwise.
 */
export function changeGateTwoPersonRule(twoPersonRule: boolean, timeline: readonly { type: string; data: Record<string, unknown> }[]): boolean | 'always' {
  const requested = [...timeline].reverse().find((event) => event.type === 'approval.requested' && event.data.gate === 'change');
  return (requested?.data.selfProtection as { twoPersonRule?: boolean } | undefined)?.twoPersonRule ? 'always' : twoPersonRule;
}
