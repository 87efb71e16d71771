import type { Context, Next } from 'hono';
import type { UserStore } from '../store/user-store.ts';
import { roleAtLeast, type Actor } from '../safety/roles.ts';
import { HttpError } from './http-error.ts';

/** What every authenticated route can read from the context. */
export type AppEnvironment = { Variables: { actor: Actor } };

/**
 * Middleware that resolves the caller to an actor (bearer token) and refuses viewers anything
 * but reads. Routes behind it read the actor with `c.get('actor')`.
 */
export function createAuthenticate(users: UserStore) {
  return async (c: Context<AppEnvironment>, next: Next) => {
    const header = c.req.header('authorization') ?? '';
    const token = header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : '';
    const actor = token ? await users.actorForToken(token) : undefined;
    if (!actor) {
      throw new HttpError(401, 'unauthorized', 'missing or unknown bearer token: send Authorization: Bearer <token> (MENDER_ADMIN_TOKEN, <dataDir>/admin-token, or a token from `mender user add`)');
    }
    c.set('actor', actor);
    // Viewers read; everything that changes something needs at least a team lead.
    if (c.req.method !== 'GET' && !roleAtLeast(actor.role, 'team-lead')) {
      throw new HttpError(403, 'forbidden', `${actor.name} is a viewer and may only read`);
    }
    await next();
  };
}
