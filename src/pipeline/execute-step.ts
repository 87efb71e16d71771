import { coderPrompt, coderSystemPrompt } from '../agent/coder-prompt.ts';
import { finishTool } from '../agent/plan-tools.ts';
import type { Plan } from '../agent/plan.ts';
import { describeTask, type ErrorContext } from '../agent/task-context.ts';
import { buildToolset } from '../tools/toolset.ts';
import { runAgentTurn } from './agent-turn.ts';
import { OperationFailure } from './pipeline-errors.ts';
import type { PipelineContext } from './pipeline-context.ts';
import { loadOperationRepo, toolContextFor, type OperationRepo, pathPolicyFor } from './operation-workspace.ts';
import type { OperationRow, TransitionRequest } from './operation-store.ts';
import { trackEdits } from './tracked-tools.ts';
import { guardProtectedPaths, guardSelfProtectedPaths } from '../tools/protected-path-guard.ts';
import { selfProtectionMatcher } from './self-protection.ts';
import { createProtectedPathMatcher, defaultProtectedPaths } from '../safety/protected-paths.ts';
import { collectBaseline, verifyChange } from './verify-change.ts';
import { baselineFailsUnexplained, diagnoseBaseline } from './baseline-diagnosis.ts';
import type { OperationEvidence } from './operation-evidence.ts';
import { reviewAndPropose } from './review-step.ts';

const resumableStatuses = ['executing', 'verifying', 'reviewing'] as const;

/**
 * Execution: a fresh worktree, the baseline suite, then coder → verify attempts until the
 * pipeline's own red → green evidence holds or the attempts run out; then review and proposal.
 */
export async function executeOperation(context: PipelineContext, operationId: string, signal: AbortSignal): Promise<void> {
  const { operations } = context;
  let operation = await operations.get(operationId);
  if (!(resumableStatuses as readonly string[]).includes(operation.status)) return;
  // A new execution job finds attempts already counted only when a process died mid-way: the
  // worktree is disposable, so execution starts over from durable state.
  if (operation.status !== 'executing' || operation.attempts > 0) {
    operation = await operations.transition(operationId, {
      from: resumableStatuses,
      to: 'executing',
      actor: 'mender',
      event: { type: 'execution.resumed', data: { attemptsUsed: operation.attempts, was: operation.status } },
    });
  }
  // A change sent back for another attempt starts from its branch, which another worker may have pushed.
  const repo = await loadOperationRepo(context, operation.repoId, operation.branch ? [operation.branch] : []);
  const startPoint = operation.headCommit ?? operation.baseCommit;
  if (!startPoint || !operation.branch || !operation.plan) throw new OperationFailure('the operation has no plan or base commit; retry it to plan again');
  const root = await context.worktrees.create({ repoPath: repo.path, operationId, branch: operation.branch, startPoint, resetBranch: true });
  let keepBranch = operation.headCommit !== null;
  // The last transition waits until the worktree is gone: whoever sees the new status sees it clean.
  let final: TransitionRequest | undefined;
  try {
    await operations.event(operationId, 'mender', { type: 'worktree.created', data: { branch: operation.branch, startPoint } });
    const evidence: OperationEvidence = { ...(operation.evidence as OperationEvidence) };
    if (!evidence.baseline) {
      evidence.baseline = await context.metrics.timeStep('baseline', () => collectBaseline(root, repo.commands, context.checks, signal));
      await operations.patch(operationId, { evidence });
      await operations.event(operationId, 'mender', {
        type: 'baseline.recorded',
        data: { command: evidence.baseline.command, passed: evidence.baseline.passed, failed: evidence.baseline.failed },
      });
    }
    if (baselineFailsUnexplained(evidence.baseline)) {
      // An environment problem or a broken suite: no change can fix it, so no attempt is made.
      const diagnosis = await context.metrics.timeStep('baseline', () =>
        diagnoseBaseline({
          root,
          commands: repo.commands,
          baseline: evidence.baseline!,
          sandboxMode: context.settings.sandbox,
          comparisonChecks: context.baselineComparisonChecks,
          signal,
        }),
      );
      evidence.baselineDiagnosis = diagnosis;
      const data = {
        command: diagnosis.command,
        exitCode: diagnosis.exitCode,
        timedOut: diagnosis.timedOut,
        verdict: diagnosis.verdict,
        comparison: diagnosis.comparison.ran ? { exitCode: diagnosis.comparison.exitCode } : { skipped: diagnosis.comparison.why },
      };
      final = {
        from: ['executing'],
        to: 'failed',
        actor: 'mender',
        patch: { evidence, failureReason: diagnosis.reason },
        event: { type: 'baseline.failed', data },
      };
    } else {
      const outcome = await runAttempts(context, operation, repo, root, evidence, signal);
      if (outcome.verified) {
        final = await reviewAndPropose(context, operationId, repo, root, signal);
        keepBranch = true;
      } else {
        final = outcome.failure;
      }
    }
  } finally {
    await context.worktrees.remove(repo.path, operationId);
    if (!keepBranch) await context.forge.deleteBranch(repo, operation.branch);
  }
  await operations.transition(operationId, final);
}

type AttemptsOutcome = { verified: true } | { verified: false; failure: TransitionRequest };

async function runAttempts(
  context: PipelineContext,
  initial: OperationRow,
  repo: OperationRepo,
  root: string,
  evidence: OperationEvidence,
  signal: AbortSignal,
): Promise<AttemptsOutcome> {
  const { operations, settings } = context;
  const operationId = initial.id;
  const policy = pathPolicyFor(context, root);
  const isSelfProtected = selfProtectionMatcher(settings, repo);
  const plan = initial.plan as Plan;
  const task = describeTask({ type: initial.type, description: initial.description, errorContext: initial.errorContext as ErrorContext | null });
  let previousFailure: string | undefined;
  for (let attempt = initial.attempts + 1; attempt <= initial.maxAttempts; attempt += 1) {
    await operations.patch(operationId, { attempts: attempt });
    await operations.event(operationId, 'mender', { type: 'attempt.started', data: { attempt, of: initial.maxAttempts } });
    const offered = buildToolset({ role: 'coder', policy, checks: context.checks, commands: repo.commands, rateLimiter: context.fileRateLimiter });
    const configured =
      settings.protectedPathAction === 'refuse'
        ? guardProtectedPaths(offered, policy, createProtectedPathMatcher(settings.protectedPaths ?? defaultProtectedPaths))
        : offered;
    // In Mender's own repository its self-protected files are refused in every mode.
    const guarded = isSelfProtected ? guardSelfProtectedPaths(configured, policy, isSelfProtected) : configured;
    const { tools, tracker } = trackEdits(guarded, policy);
    const extensions = await context.agentExtensions({
      role: 'coder',
      operationId,
      policy,
      repoPath: repo.path,
      reservedNames: [...tools, finishTool].map((tool) => tool.name),
    });
    await context.metrics.timeStep('code', () =>
      runAgentTurn(context, {
        role: 'coder',
        operationId,
        system: coderSystemPrompt,
        prompt: coderPrompt({
          task,
          planMarkdown: initial.planMarkdown ?? JSON.stringify(plan),
          instructions: undefined,
          testCommand: repo.commands.test,
          attempt,
          maxAttempts: initial.maxAttempts,
          previousFailure,
          humanFeedback: initial.feedback ?? undefined,
          skills: extensions.skillsSection,
        }),
        tools: [...tools, ...extensions.tools, finishTool],
        stopTools: [finishTool.name],
        toolContext: toolContextFor(context, operationId, root, signal),
      }),
    );
    await operations.transition(operationId, {
      from: ['executing'],
      to: 'verifying',
      actor: 'mender',
      event: { type: 'verification.started', data: { attempt } },
    });
    const result = await context.metrics.timeStep('verify', () =>
      verifyChange({
        root,
        baseCommit: initial.baseCommit!,
        operationType: initial.type,
        attempt,
        commands: repo.commands,
        checks: context.checks,
        baseline: evidence.baseline!,
        testEditsAfterSource: tracker.testEditsAfterSource,
        signal,
        redact: (text) => context.redactor.redact(text),
      }),
    );
    evidence.attempts = [...(evidence.attempts ?? []), result];
    if (result.verified) {
      Object.assign(evidence, { red: result.red, green: result.green, checks: result.checks, flags: result.flags });
      await operations.transition(operationId, {
        from: ['verifying'],
        to: 'reviewing',
        actor: 'mender',
        patch: { evidence },
        event: {
          type: 'verification.passed',
          data: { attempt, red: result.red.status, newlyFailing: result.red.newlyFailing, green: result.green.status, flags: result.flags },
        },
      });
      return { verified: true };
    }
    previousFailure = `${result.reason}${result.green.run?.failures.length ? `\nFailing tests:\n${result.green.run.failures.map((failure) => `- ${failure.id}: ${failure.message ?? ''}`).join('\n')}` : ''}`;
    const data = { attempt, reason: result.reason, red: result.red.status, green: result.green.status };
    if (attempt >= initial.maxAttempts) {
      const failureReason = `the change did not verify after ${attempt} attempt(s): ${result.reason}`;
      return {
        verified: false,
        failure: { from: ['verifying'], to: 'failed', actor: 'mender', patch: { evidence, failureReason }, event: { type: 'operation.failed', data } },
      };
    }
    await operations.transition(operationId, {
      from: ['verifying'],
      to: 'executing',
      actor: 'mender',
      patch: { evidence },
      event: { type: 'verification.failed', data },
    });
  }
  throw new OperationFailure(`no attempts left (${initial.attempts} of ${initial.maxAttempts} used); retry the operation to start again`);
}
