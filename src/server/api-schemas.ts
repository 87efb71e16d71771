import { z } from 'zod';
import { operationSources, requestableOperationTypes } from '../domain/operation-vocabulary.ts';
import { maxSearchLength, operationSortKeys, sortOrders } from '../pipeline/operation-list-order.ts';

const commandsSchema = z
  .object({ test: z.string().min(1), typecheck: z.string().min(1), lint: z.string().min(1), build: z.string().min(1), format: z.string().min(1) })
  .partial()
  .strict();

export const createRepoBody = z
  .object({
    name: z
      .string()
      .regex(/^[a-zA-Z0-9._-]{1,64}$/, 'use 1–64 letters, digits, dot, dash or underscore')
      .optional(),
    path: z.string().min(1, 'give the absolute path of a local git checkout').optional(),
    remoteUrl: z.string().min(1, 'give the https URL of a GitHub repository, or a file:// URL of a bare git repository').max(500).optional(),
    defaultBranch: z.string().min(1).max(200).optional(),
    commands: commandsSchema.optional(),
  })
  .strict()
  .superRefine((body, context) => {
    if (body.path && body.remoteUrl)
      context.addIssue({ code: 'custom', path: ['remoteUrl'], message: 'give either path (a local checkout) or remoteUrl (a GitHub repository), not both' });
    else if (!body.path && !body.remoteUrl)
      context.addIssue({
        code: 'custom',
        path: ['path'],
        message: 'give the absolute path of a local git checkout, or remoteUrl (https://github.com/owner/name)',
      });
    if (body.path && !body.name)
      context.addIssue({ code: 'custom', path: ['name'], message: 'give a name for the repository (1–64 letters, digits, dot, dash or underscore)' });
  });

export const createOperationBody = z
  .object({
    type: z.enum(requestableOperationTypes),
    description: z.string().trim().min(1, 'describe the problem or the feature').max(20_000),
    repo: z.string().min(1),
    errorContext: z
      .object({
        message: z.string().min(1).max(20_000),
        stack: z.string().max(100_000).optional(),
        logs: z.string().max(200_000).optional(),
        severity: z.enum(['P0', 'P1', 'P2', 'P3', 'P4']).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const decisionBody = z.object({ comment: z.string().max(10_000).optional() }).strict();
/** A retry may carry what went wrong last time: the planner and the coder of the next attempt read it. */
export const retryBody = z.object({ feedback: z.string().trim().max(10_000).optional() }).strict();
export const requestChangesBody = z.object({ comment: z.string().trim().min(1, 'say what should change').max(10_000) }).strict();

export const listOperationsQuery = z.object({
  status: z.string().optional(),
  type: z.enum(requestableOperationTypes).optional(),
  source: z.enum(operationSources).optional(),
  repo: z.string().optional(),
  q: z
    .string()
    .max(maxSearchLength, `search text is at most ${maxSearchLength} characters: shorten it to a few words of the title, an id or a branch`)
    .optional(),
  sort: z.enum(operationSortKeys, { error: `sort by one of ${operationSortKeys.join(', ')} (default age)` }).optional(),
  order: z.enum(sortOrders, { error: 'order is asc (smallest first) or desc (largest first)' }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
