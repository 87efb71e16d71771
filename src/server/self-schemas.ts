import { z } from 'zod';

// The bodies of the self-maintenance routes (`self-routes.ts`).

/** `POST /api/self/enable`: the name the checkout is registered under (default `mender`). */
export const enableSelfBody = z
  .object({
    name: z.string().trim().min(1, 'give a repository name, or leave it out for "mender"').max(64).optional(),
  })
  .strict();

/** `POST /api/self/rollback`: why, for the record. */
export const selfRollbackBody = z.object({ comment: z.string().max(2_000).optional() }).strict();
