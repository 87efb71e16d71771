import { reviewerPrompt, reviewerSystemPrompt } from '../agent/reviewer-prompt.ts';
import { submitReviewTool } from '../agent/plan-tools.ts';
import { reviewSchema, type Review } from '../agent/review.ts';
import type { Plan } from '../agent/plan.ts';
import { describeTask, type ErrorContext } from '../agent/task-context.ts';
import { buildToolset } from '../tools/toolset.ts';
import { runAgentTurn } from './agent-turn.ts';
import { decideApproval, nextApprovalId, requestApproval } from './approvals.ts';
import { differsOnlyInWhitespace, diffStats, fileChanges, stagedDiff } from './change-files.ts';
import { assessRisk, type RiskAssessment } from '../safety/risk-assessment.ts';
import { decideChangeGate, recheckJob } from './change-gate.ts';
import { createProtectedPathMatcher, defaultProtectedPaths } from '../safety/protected-paths.ts';
import { selfProtectedChanges, selfProtectionMatcher } from './self-protection.ts';
import type { ReviewFinding } from '../agent/review.ts';
import { commitChange } from './commit-change.ts';
import { OperationFailure } from './pipeline-errors.ts';
import { evidenceMarkdown } from './evidence-markdown.ts';
import type { OperationEvidence } from './operation-evidence.ts';
import type { OperationRepo } from './operation-workspace.ts';
import { toolContextFor, pathPolicyFor } from './operation-workspace.ts';
import type { PipelineContext } from './pipeline-context.ts';
import type { AttemptEvidence } from './verify-change.ts';
import type { TransitionRequest } from './operation-store.ts';

const reviewDiffLimit = 60_000;

/**
 * Review and proposal: the reviewer reads the verified diff and evidence, the pipeline commits on
 * the agent branch and assesses the risk. Returns the transition that opens the change request
 * and the change gate (or passes it, as autonomy allows); the caller makes it once the worktree
 * is gone. The branch now holds the change and must be kept.
 */
export async function reviewAndPropose(
  context: PipelineContext,
  operationId: string,
  repo: OperationRepo,
  root: string,
  signal: AbortSignal,
): Promise<TransitionRequest> {
  const { operations } = context;
  const operation = await operations.get(operationId);
  const evidence = operation.evidence as OperationEvidence;
  const diff = await stagedDiff(root, operation.baseCommit!);
  const stats = await diffStats(root, operation.baseCommit!);
  const flags = evidence.flags ?? [];
  let unreadable = false;
  const review = await context.metrics.timeStep('review', async (): Promise<Review> => {
    const result = await runAgentTurn(context, {
      role: 'reviewer',
      operationId,
      system: reviewerSystemPrompt,
      prompt: reviewerPrompt({
        task: describeTask({ type: operation.type, description: operation.description, errorContext: operation.errorContext as ErrorContext | null }),
        planMarkdown: operation.planMarkdown ?? '',
        diff: diff.length > reviewDiffLimit ? `${diff.slice(0, reviewDiffLimit)}\n[… diff cut at ${reviewDiffLimit} characters]` : diff,
        evidenceSummary: summarizeEvidence(evidence),
        flags,
      }),
      tools: [
        ...buildToolset({
          role: 'reviewer',
          policy: pathPolicyFor(context, root),
          checks: context.checks,
          commands: repo.commands,
          rateLimiter: context.fileRateLimiter,
        }),
        submitReviewTool,
      ],
      stopTools: [submitReviewTool.name],
      toolContext: toolContextFor(context, operationId, root, signal),
    });
    const parsed = reviewSchema.safeParse(result.stoppedWith?.input);
    if (parsed.success) return parsed.data;
    // A reviewer that answers in prose still leaves a record; its words become the summary.
    unreadable = true;
    return { summary: result.text || 'the reviewer gave no structured review', verdict: 'request_changes', findings: [] };
  });
  // Pipeline flags are findings too, whatever the reviewer said.
  const findings = [...review.findings, ...flags.map((flag) => ({ severity: 'major' as const, category: 'test_tampering' as const, message: flag }))];
  const fullReview = { ...review, findings };
  const plan = operation.plan as Plan;
  const headCommit = await commitChange(root, { type: operation.type, operationId, plan, description: operation.description });
  const title = `${operation.type}: ${plan.summary}`.slice(0, 120);
  const { risk, protectedPaths, selfProtectedPaths } = await assessChange(context, repo, root, operation.baseCommit!, headCommit, diff, flags, review.findings);
  const decision = await decideChangeGate(context, operation, risk, { ...fullReview, readable: !unreadable }, protectedPaths, selfProtectedPaths);
  const earlierApprovals = await operations.approvalsOf(operationId);
  const approvalId = nextApprovalId(operationId, 'change', earlierApprovals, headCommit);
  // Changes were asked for and the revision ends on the commit already proposed: the coder changed nothing.
  const unchangedRevision =
    operation.headCommit === headCommit && earlierApprovals.some((approval) => approval.gate === 'change' && approval.decision === 'changes_requested');
  const note = unchangedRevision ? 'the coder made no change for the requested changes: the same commit waits for a decision again' : undefined;
  const changeRequest = {
    operationId,
    repoId: operation.repoId,
    branch: operation.branch!,
    baseCommit: operation.baseCommit!,
    headCommit,
    title,
    body: changeRequestBody(operation.planMarkdown ?? '', evidence, fullReview),
    diff,
  };
  // Verified, reviewed and committed: a remote forge publishes it now (GitHub: push, pull request, ready for review).
  await context.forge.publishChangeRequest(repo, changeRequest, { riskMarkdown: riskMarkdown(risk, decision.level) }).catch((error: Error) => {
    throw new OperationFailure(`the verified change could not be published: ${error.message}; retry the operation once the forge is reachable`);
  });
  return {
    from: ['reviewing'],
    to: decision.pass ? 'merging' : 'awaiting_approval',
    actor: decision.pass ? 'policy' : 'reviewer',
    patch: { review: fullReview, headCommit, diffStats: { ...stats }, risk },
    event: decision.pass
      ? {
          type: 'change.auto_approved',
          data: {
            risk: risk.level,
            reasons: risk.reasons,
            decision: decision.reason,
            rule: decision.rule,
            policy: decision.policy,
            headCommit,
            ...(note && { note }),
            ...stats,
          },
        }
      : {
          type: 'approval.requested',
          data: {
            gate: 'change',
            requiredLevel: decision.level,
            risk: risk.level,
            reasons: risk.reasons,
            decision: decision.reason,
            rule: decision.rule,
            recheckAt: decision.recheckAt,
            policy: decision.policy,
            ...(decision.selfProtection && { selfProtection: decision.selfProtection }),
            headCommit,
            ...(note && { note }),
            verdict: unreadable ? 'unreadable' : review.verdict,
            findings: findings.length,
            ...stats,
          },
        },
    job: decision.pass ? { queue: 'merging', name: 'merge' } : recheckJob(context, decision.recheckAt),
    alsoInTransaction: async (executor, row) => {
      await context.forge.openChangeRequest(executor, { ...changeRequest, repoId: row.repoId, branch: row.branch!, baseCommit: row.baseCommit! });
      await requestApproval(executor, { id: approvalId, operationId, gate: 'change', requiredLevel: decision.level });
      if (decision.pass) await decideApproval(executor, operationId, 'change', 'approved', 'policy', decision.reason);
    },
  };
}

/** The evidence as the reviewer and the change request read it. */
function summarizeEvidence(evidence: OperationEvidence): string {
  return evidenceMarkdown(evidence);
}

function changeRequestBody(planMarkdown: string, evidence: OperationEvidence, review: Review): string {
  const attempt = evidence.attempts?.at(-1) as AttemptEvidence | undefined;
  const lines = [planMarkdown, '## Evidence', '', summarizeEvidence(evidence), '', '## Review', '', `Verdict: ${review.verdict}`, '', review.summary];
  for (const finding of review.findings) lines.push(`- [${finding.severity}/${finding.category}] ${finding.file ? `${finding.file}: ` : ''}${finding.message}`);
  if (attempt) lines.push('', `Changed files: ${attempt.changedFiles.map((file) => file.path).join(', ')}`);
  return lines.join('\n');
}

function riskMarkdown(risk: RiskAssessment, approvalLevel: string): string {
  return [
    '## Risk',
    '',
    `Level: ${risk.level} · ${risk.linesChanged} lines changed · approval needed: ${approvalLevel}`,
    ...risk.reasons.map((reason) => `- ${reason}`),
  ].join('\n');
}

/**
 * The risk of the committed change, from its files, diff, pipeline flags and review findings. In
 * Mender's own repository its self-protected files count as protected paths too, whatever wrote
 * them (a tool is refused; a test run in the sandbox is not stopped from writing).
 */
async function assessChange(
  context: PipelineContext,
  repo: OperationRepo,
  root: string,
  base: string,
  head: string,
  diff: string,
  flags: string[],
  findings: ReviewFinding[],
): Promise<{ risk: RiskAssessment; protectedPaths: string[]; selfProtectedPaths: string[] }> {
  const files = await fileChanges(root, base, head);
  const isProtected = createProtectedPathMatcher(context.settings.protectedPaths ?? defaultProtectedPaths);
  const isSelfProtected = selfProtectionMatcher(context.settings, repo);
  const selfProtectedPaths = isSelfProtected ? await selfProtectedChanges(root, base, head, isSelfProtected) : [];
  const protectedHits = files.flatMap((file) => {
    const pattern = isProtected(file.path) ?? isSelfProtected?.(file.path);
    return pattern ? [{ path: file.path, pattern }] : [];
  });
  const risk = assessRisk({
    files,
    diff,
    whitespaceOnly: files.length > 0 && (await differsOnlyInWhitespace(root, base, head)),
    tamperingFlags: flags,
    reviewFindings: findings,
    protectedHits,
  });
  return { risk, protectedPaths: protectedHits.map((hit) => hit.path), selfProtectedPaths };
}
