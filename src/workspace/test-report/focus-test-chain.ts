import { planTestChain, type ChainPlan, type PackageManifest } from './expand-script-chain.ts';

export type FocusedPlan = { ok: true; plan: ChainPlan } | { ok: false; reason: string };

/**
 * The test command run on `files` alone: every runner invocation of its chain that selects some
 * of them runs on those only; checks before it (lint, type tests, bundle size) are left out and
 * builds kept; nothing after the last such runner runs. Two passes over the same expansion: the
 * first finds that last runner, the second leaves out what follows it.
 */
export function planFocusedChain(command: string, manifest: PackageManifest, files: readonly string[], reportFolder: string): FocusedPlan {
  if (files.length === 0) return { ok: false, reason: 'no test file was added or changed' };
  const first = planTestChain(command, manifest, reportFolder, { files });
  if (first.lastFocusedSegment === undefined) {
    const unread = first.steps.find((step) => step.fallbackReason);
    return {
      ok: false,
      reason: unread
        ? `no runner Mender can focus was found in the test command (\`${unread.command}\`: ${unread.fallbackReason})`
        : 'no runner of the test command selects the changed test files',
    };
  }
  const plan = planTestChain(command, manifest, reportFolder, { files, keepThrough: first.lastFocusedSegment });
  return { ok: true, plan };
}
