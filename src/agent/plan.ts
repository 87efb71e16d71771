import { z } from 'zod';

export const planStepTypes = ['test', 'implement', 'verify', 'refactor'] as const;
export const riskLevels = ['low', 'medium', 'high', 'critical'] as const;

/** The planner's output, checked before it is stored. */
export const planSchema = z.object({
  summary: z.string().min(1).describe('One sentence: what will change and why.'),
  rootCause: z.string().min(1).describe('Why the problem happens (for a feature: what is missing), citing files and functions.'),
  affectedFiles: z.array(z.string().min(1)).describe('Files to create or change, relative to the repository root, tests included.'),
  steps: z
    .array(
      z.object({
        type: z
          .enum(planStepTypes)
          .describe('test: write a failing test first; implement: change source; verify: run checks; refactor: restructure without behaviour change.'),
        description: z.string().min(1),
        files: z.array(z.string()).optional(),
      }),
    )
    .min(1)
    .describe('Ordered steps; for a bug, the first is a test that fails before the fix.'),
  testCommand: z.string().optional().describe('Command that runs the relevant tests, if it differs from the repository default.'),
  estimatedMinutes: z.number().positive().optional().describe('Rough effort in minutes.'),
  riskLevel: z.enum(riskLevels).describe('How risky the change is.'),
  risks: z.array(z.string()).describe('What could go wrong.'),
});
export type Plan = z.infer<typeof planSchema>;

/** PLAN.md for people: the same plan as the JSON, in reading order. */
export function renderPlanMarkdown(plan: Plan, title: string): string {
  const lines = [`# Plan: ${title}`, '', `**Summary:** ${plan.summary}`, '', '## Root cause', '', plan.rootCause, '', '## Affected files', ''];
  for (const file of plan.affectedFiles) lines.push(`- \`${file}\``);
  lines.push('', '## Steps', '');
  plan.steps.forEach((step, index) => {
    const files = step.files?.length ? ` (${step.files.map((file) => `\`${file}\``).join(', ')})` : '';
    lines.push(`${index + 1}. **${step.type}**: ${step.description}${files}`);
  });
  lines.push('', '## Verification', '', `Test command: \`${plan.testCommand ?? 'repository default'}\``);
  if (plan.estimatedMinutes !== undefined) lines.push(`Estimate: ${plan.estimatedMinutes} minutes`);
  lines.push('', `## Risk: ${plan.riskLevel}`, '');
  for (const risk of plan.risks) lines.push(`- ${risk}`);
  return `${lines.join('\n')}\n`;
}
