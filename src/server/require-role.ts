import type { MiddlewareHandler } from 'hono';
import { roleAtLeast } from '../domain/roles.ts';
import type { AppEnvironment } from './authenticate.ts';
import { HttpError } from '../http/http-error.ts';

/** Who holds a role or a higher one, as the refusal names them. */
const holdersOf = { 'team-lead': 'team leads and admins', admin: 'admins' } as const;

/**
 * Route middleware that refuses an actor below `minimum` with 403 before the handler runs:
 * `<name> is <role>; only <holders> <action>`, e.g. `requireRole('admin', 'may create projects')`.
 * Goes after the authenticate middleware, which puts the actor on the context.
 */
export function requireRole(minimum: keyof typeof holdersOf, action: string): MiddlewareHandler<AppEnvironment> {
  return async (c, next) => {
    const actor = c.get('actor');
    if (!roleAtLeast(actor.role, minimum)) throw new HttpError(403, 'forbidden', `${actor.name} is ${actor.role}; only ${holdersOf[minimum]} ${action}`);
    await next();
  };
}
