import { planTestChain, type ChainPlan, type PackageManifest } from './expand-script-chain.ts';
import { createOwnerResolver, type StepFiles } from './test-file-owners.ts';

export type FocusedPlan = { ok: true; plan: ChainPlan } | { ok: false; reason: string };

/**
 * The test command run on `files` alone: every runner invocation of its chain that selects some
 * of them runs on those only; checks before it (lint, type tests, bundle size) are left out and
 * builds kept; nothing after the last such runner runs. With the baseline's test files per step,
 * each file goes only to the steps that ran it (or its folder). Two passes over the same expansion: the
 * first finds that last runner, the second leaves out what follows it.
 */
export function planFocusedChain(
  command: string,
  manifest: PackageManifest,
  files: readonly string[],
  reportFolder: string,
  baselineSteps: readonly StepFiles[] = [],
): FocusedPlan {
  if (files.length === 0) return { ok: false, reason: 'no test file was added or changed' };
  const filesFor = createOwnerResolver(baselineSteps, files);
  const first = planTestChain(command, manifest, reportFolder, { focus: { files, filesFor } });
  if (first.lastFocusedSegment === undefined) {
    const unread = first.steps.find((step) => step.fallbackReason);
    return {
      ok: false,
      reason: unread
        ? `no runner Mender can focus was found in the test command (\`${unread.command}\`: ${unread.fallbackReason})`
        : 'no runner of the test command selects the changed test files',
    };
  }
  const plan = planTestChain(command, manifest, reportFolder, { focus: { files, filesFor, keepThrough: first.lastFocusedSegment } });
  return { ok: true, plan };
}
