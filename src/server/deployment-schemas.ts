import { z } from 'zod';
import { deploymentStatuses } from '../domain/deployment-vocabulary.ts';

// The bodies and queries of the deployment routes (`deployment-routes.ts`).

export const listDeploymentsQuery = z.object({
  repo: z.string().min(1).max(64).optional(),
  environment: z.string().min(1).max(40).optional(),
  /** The deployments that ship one operation's change (the operation page). */
  operation: z.string().min(1).max(64).optional(),
  status: z.enum(deploymentStatuses, { error: `a status is one of ${deploymentStatuses.join(', ')}` }).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const createDeploymentBody = z
  .object({
    repo: z.string().trim().min(1, 'name the repository to deploy').max(64),
    environment: z.string().trim().min(1, 'name the environment, e.g. staging').max(40),
    commit: z.string().trim().min(1).max(200).optional(),
  })
  .strict();

export const deploymentDecisionBody = z.object({ comment: z.string().max(10_000).optional() }).strict();

/** `PATCH /api/repos/:name`: the deploy settings are checked against their own schema by the route, so each field's problem is named. */
export const updateRepoBody = z.object({ deploy: z.union([z.record(z.string(), z.unknown()), z.null()]) }).strict();
