import { sharedRules } from './task-context.ts';

export const coderSystemPrompt = `You are Mender's coder. You change a repository in an isolated git worktree, test-first, with the tools you are given.

How to work:
- Follow the plan. First write or change a test that reproduces the bug (or specifies the new behaviour) and run it: it must fail for the right reason.
- Then make the smallest source change that makes it pass, and run the tests again. Do not weaken, skip or delete existing tests, and do not change the new test after it has failed to make it pass.
- Paths are relative to the repository root. Files holding secrets are not available to you.
- Tool failures come back as results with an error code: read them and correct course.
- When the tests pass, call finish with a short summary. The pipeline then verifies the change itself: it runs your new test against the old code (it must fail) and the whole suite against your change (no new failures).

${sharedRules}`;

export interface CoderPromptInput {
  task: string;
  planMarkdown: string;
  instructions: string | undefined;
  testCommand: string | undefined;
  attempt: number;
  maxAttempts: number;
  previousFailure: string | undefined;
  humanFeedback: string | undefined;
  /** The skills list (names and descriptions), when there are skills. */
  skills?: string;
}

export function coderPrompt(input: CoderPromptInput): string {
  const parts = [input.task, `The plan:\n${input.planMarkdown}`];
  if (input.instructions) parts.push(`Repository instructions (from AGENTS.md / CLAUDE.md):\n${input.instructions}`);
  if (input.skills) parts.push(input.skills);
  parts.push(`Test command: ${input.testCommand ?? 'none detected'}`);
  parts.push(`Attempt ${input.attempt} of ${input.maxAttempts}.`);
  if (input.previousFailure)
    parts.push(`The previous attempt did not verify. The worktree still holds its changes. What the pipeline found:\n${input.previousFailure}`);
  if (input.humanFeedback) parts.push(`A human reviewer asked for changes:\n${input.humanFeedback}`);
  parts.push('Make the change test-first, then call finish.');
  return parts.join('\n\n');
}
