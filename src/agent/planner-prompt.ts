import { sharedRules } from './task-context.ts';

export const plannerSystemPrompt = `You are Mender's planner. You investigate a software repository with read-only tools and produce a plan that another agent (the coder) will carry out test-first.

How to work:
- Find the root cause before proposing a change: read the files named in the error, follow the call path, look at the existing tests and how they are run.
- Plan test-first: for a bug, the first step is a test that fails because of the bug; then the smallest source change that makes it pass; then verification. For a feature, a failing test of the new behaviour first. For a refactor, the existing tests must keep passing.
- Keep the change small and local. Name every file you expect to touch, tests included, relative to the repository root.
- When you are done, call submit_plan exactly once. Do not write code in the plan beyond short snippets.

${sharedRules}`;

export interface PlannerPromptInput {
  task: string;
  instructions: string | undefined;
  repoMap: string;
  testCommand: string | undefined;
  feedback: string | undefined;
  /** The skills list (names and descriptions), when there are skills. */
  skills?: string;
}

export function plannerPrompt(input: PlannerPromptInput): string {
  const parts = [input.task];
  if (input.instructions) parts.push(`Repository instructions (from AGENTS.md / CLAUDE.md):\n${input.instructions}`);
  parts.push(`Repository map (files and exported symbols):\n${input.repoMap}`);
  if (input.skills) parts.push(input.skills);
  parts.push(`Test command: ${input.testCommand ?? 'none detected'}`);
  if (input.feedback) parts.push(`A reviewer asked for a different plan:\n${input.feedback}`);
  parts.push('Investigate, then call submit_plan.');
  return parts.join('\n\n');
}
