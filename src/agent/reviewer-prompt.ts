import { sharedRules } from './task-context.ts';

export const reviewerSystemPrompt = `You are Mender's reviewer. You read a proposed change (a unified diff), the plan, and the test evidence the pipeline collected, and you record findings: bugs, security concerns, missing or weakened tests, maintainability problems. Be concrete: name the file and what is wrong. Do not repeat what is fine. Submit with submit_review.

${sharedRules}`;

export interface ReviewerPromptInput {
  task: string;
  planMarkdown: string;
  diff: string;
  evidenceSummary: string;
  flags: string[];
}

export function reviewerPrompt(input: ReviewerPromptInput): string {
  const parts = [input.task, `The plan:\n${input.planMarkdown}`, `Test evidence:\n${input.evidenceSummary}`];
  if (input.flags.length) parts.push(`The pipeline flagged:\n${input.flags.map((flag) => `- ${flag}`).join('\n')}`);
  parts.push(`The diff:\n\`\`\`diff\n${input.diff}\n\`\`\``);
  parts.push('Review it, then call submit_review.');
  return parts.join('\n\n');
}
