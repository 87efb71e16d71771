import fs from 'node:fs';
import { operationFacts } from './gate-facts.ts';
import { policyRecord } from './policy-record.ts';
import path from 'node:path';
import { plannerPrompt, plannerSystemPrompt } from '../agent/planner-prompt.ts';
import { planSchema, renderPlanMarkdown } from '../agent/plan.ts';
import { submitPlanTool } from '../agent/plan-tools.ts';
import { buildRepoMap, filesNamedIn } from '../agent/repo-map.ts';
import { describeTask, type ErrorContext } from '../agent/task-context.ts';
import { runGit } from '../workspace/git.ts';
import { buildToolset } from '../tools/toolset.ts';
import { runAgentTurn } from './agent-turn.ts';
import { requestApproval } from './approvals.ts';
import type { TransitionRequest } from './operation-store.ts';
import { OperationFailure } from './pipeline-errors.ts';
import type { PipelineContext } from './pipeline-context.ts';
import { branchName, loadOperationRepo, toolContextFor, pathPolicyFor } from './operation-workspace.ts';

const instructionFiles = ['AGENTS.md', 'CLAUDE.md'];
const instructionLimit = 20_000;

/** Planning: the planner investigates a fresh worktree read-only and submits a plan; the plan gate follows. */
export async function planOperation(context: PipelineContext, operationId: string, signal: AbortSignal): Promise<void> {
  const { operations } = context;
  let operation = await operations.get(operationId);
  if (operation.status !== 'queued' && operation.status !== 'planning') return;
  const repo = await loadOperationRepo(context, operation.repoId);
  // Feedback a retry brought is for the coder too; a plan-gate request's is answered by this plan.
  const feedbackFrom = (await operations.timeline(operationId))
    .filter((event) => event.type === 'operation.retried' || event.type === 'plan.changes_requested')
    .at(-1);
  const feedbackIsForThePlan = feedbackFrom?.type !== 'operation.retried';
  if (operation.status === 'queued') {
    // A remote repository is fetched first: the plan starts from the default branch the team sees now.
    await context.forge.syncDefaultBranch(repo);
    const base = await runGit(repo.path, ['rev-parse', '--verify', `refs/heads/${repo.defaultBranch}^{commit}`], { allowFailure: true });
    if (base.exitCode !== 0)
      throw new OperationFailure(`the default branch ${repo.defaultBranch} does not exist in ${repo.path}: fix the repository's defaultBranch`);
    operation = await operations.transition(operationId, {
      from: ['queued'],
      to: 'planning',
      actor: 'mender',
      patch: { baseCommit: base.stdout.trim(), branch: branchName(operationId, operation.description) },
      event: { type: 'planning.started', data: { baseCommit: base.stdout.trim() } },
    });
  }
  const planningWorktree = `${operationId}-planning`;
  const root = await context.worktrees.createDetached(repo.path, planningWorktree, operation.baseCommit!);
  // The transition waits until the planning worktree is gone: a re-plan it allows may start at once.
  let final: TransitionRequest;
  try {
    const policy = pathPolicyFor(context, root);
    const errorContext = operation.errorContext as ErrorContext | null;
    const stackText = [operation.description, errorContext?.message, errorContext?.stack].filter(Boolean).join('\n');
    const repoMap = await buildRepoMap({
      root,
      tokenBudget: context.settings.repoMapTokens,
      priorityFiles: filesNamedIn(stackText, root),
      isHidden: (file) => policy.isDenied(file),
    });
    const task = describeTask({ type: operation.type, description: operation.description, errorContext });
    const tools = buildToolset({ role: 'planner', policy, checks: context.checks, commands: repo.commands, rateLimiter: context.fileRateLimiter });
    const extensions = await context.agentExtensions({
      role: 'planner',
      operationId,
      policy,
      repoPath: repo.path,
      reservedNames: [...tools, submitPlanTool].map((tool) => tool.name),
    });
    const result = await runAgentTurn(context, {
      role: 'planner',
      operationId,
      system: plannerSystemPrompt,
      prompt: plannerPrompt({
        task,
        instructions: readInstructions(root),
        repoMap,
        testCommand: repo.commands.test,
        feedback: operation.feedback ?? undefined,
        skills: extensions.skillsSection,
      }),
      tools: [...tools, ...extensions.tools, submitPlanTool],
      stopTools: [submitPlanTool.name],
      toolContext: toolContextFor(context, operationId, root, signal),
    });
    if (!result.stoppedWith) {
      throw new OperationFailure(
        `the planner ended after ${result.steps} steps without calling submit_plan${result.text ? `; it said: ${result.text.slice(0, 300)}` : ''}`,
      );
    }
    const plan = planSchema.parse(result.stoppedWith.input);
    // The title names the operation, not the task text: that stays inside untrusted blocks.
    const planMarkdown = renderPlanMarkdown(plan, `${operation.type} ${operationId}`);
    const decided = context.policy.decide({
      ...(await operationFacts(context.gateFacts, 'plan', operation, context.settings.autonomyLevel)),
      plan_gate_listed: context.settings.planGate.includes(operation.type as never),
    });
    const gated = decided.decision.outcome !== 'allow';
    const level = decided.decision.level;
    const approvalId = `${operationId}-plan-${Date.now()}`;
    final = {
      from: ['planning'],
      to: gated ? 'awaiting_plan_approval' : 'executing',
      actor: 'planner',
      patch: { plan, planMarkdown, ...(feedbackIsForThePlan ? { feedback: null } : {}) },
      event: {
        type: 'plan.created',
        data: {
          summary: plan.summary,
          affectedFiles: plan.affectedFiles,
          riskLevel: plan.riskLevel,
          gate: level,
          rule: decided.decision.ruleId,
          decision: decided.decision.reason,
          policy: policyRecord('plan', decided),
        },
      },
      job: gated ? undefined : { queue: 'execution', name: 'execute' },
      alsoInTransaction: gated ? (executor) => requestApproval(executor, { id: approvalId, operationId, gate: 'plan', requiredLevel: level }) : undefined,
    };
  } finally {
    await context.worktrees.remove(repo.path, planningWorktree);
  }
  await operations.transition(operationId, final);
}

function readInstructions(root: string): string | undefined {
  const parts: string[] = [];
  for (const name of instructionFiles) {
    const file = path.join(root, name);
    try {
      const stat = fs.lstatSync(file);
      if (!stat.isFile()) continue;
      parts.push(`## ${name}\n${fs.readFileSync(file, 'utf8').slice(0, instructionLimit)}`);
    } catch {
      // absent: nothing to add
    }
  }
  return parts.length ? parts.join('\n\n') : undefined;
}
