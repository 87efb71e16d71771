import { z } from 'zod';

export const reviewSchema = z.object({
  summary: z.string().min(1).describe('What the change does and whether it is right.'),
  verdict: z.enum(['approve', 'request_changes']),
  findings: z
    .array(
      z.object({
        severity: z.enum(['info', 'minor', 'major', 'critical']),
        category: z.enum(['bug', 'security', 'missing_test', 'test_tampering', 'maintainability', 'other']),
        file: z.string().optional(),
        message: z.string().min(1),
      }),
    )
    .describe('Concrete problems; empty when there are none.'),
});
export type Review = z.infer<typeof reviewSchema>;
export type ReviewFinding = Review['findings'][number];
