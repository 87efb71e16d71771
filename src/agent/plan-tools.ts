import { z } from 'zod';
import type { Tool } from '../tools/tool.ts';
import { planSchema, type Plan } from './plan.ts';
import { reviewSchema, type Review } from './review.ts';

/** `submit_plan(plan)`: ends the planner's turn. */
export const submitPlanTool: Tool<Plan, string> = {
  name: 'submit_plan',
  description: 'Submit the finished plan. Call exactly once, when you have found the root cause; this ends your turn.',
  inputSchema: planSchema,
  kind: 'plan',
  execute: async () => ({ ok: true, data: 'Plan received.' }),
};

const finishInput = z.object({ summary: z.string().min(1).describe('What you changed and why, for the reviewer and the commit message.') });

/** `finish(summary)`: ends the coder's turn; the pipeline then verifies the change itself. */
export const finishTool: Tool<z.infer<typeof finishInput>, string> = {
  name: 'finish',
  description: 'Call when the failing test passes and the change is complete. The pipeline then runs the tests itself.',
  inputSchema: finishInput,
  kind: 'plan',
  execute: async () => ({ ok: true, data: 'Finished; the pipeline will verify the change now.' }),
};

/** `submit_review(review)`: ends the reviewer's turn. */
export const submitReviewTool: Tool<Review, string> = {
  name: 'submit_review',
  description: 'Submit your review of the change: a verdict and concrete findings. This ends your turn.',
  inputSchema: reviewSchema,
  kind: 'plan',
  execute: async () => ({ ok: true, data: 'Review received.' }),
};
