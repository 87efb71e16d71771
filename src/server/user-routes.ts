import type { Hono } from 'hono';
import { z } from 'zod';
import { roles } from '../domain/roles.ts';
import type { UserStore } from '../store/user-store.ts';
import type { Database } from '../store/database.ts';
import { appendAudit } from '../store/audit-log.ts';
import type { AppEnvironment } from './authenticate.ts';
import { HttpError } from '../http/http-error.ts';
import { parseBody } from './parse-request.ts';
import { requireRole } from './require-role.ts';

const createUserBody = z
  .object({
    name: z.string().regex(/^[a-zA-Z0-9._@-]{1,64}$/, 'use 1–64 letters, digits, dot, dash, underscore or @'),
    role: z.enum(roles),
    password: z.string().min(12, 'use at least 12 characters').max(200).optional(),
  })
  .strict();
const changeUserBody = z.object({ role: z.enum(roles) }).strict();

/** Admins manage users; each new user gets an API token, shown once. Who was added and each role change are audited. */
export function registerUserRoutes(app: Hono<AppEnvironment>, users: UserStore, db: Database): void {
  const audit = (actor: string, action: string, name: string, details: Record<string, unknown>) =>
    db.transaction((transaction) => appendAudit(transaction, { actor, action, subject: `user:${name}`, details }));
  app.get('/api/users', requireRole('admin', 'manage users'), async (c) => {
    // signsIn: whether the user has a password (the dashboard), rather than only API tokens (MENDER_ADMIN_TOKEN's admin).
    return c.json({
      users: (await users.list()).map((user) => ({
        name: user.name,
        role: user.role,
        signsIn: user.passwordHash !== null,
        createdAt: user.createdAt.toISOString(),
      })),
    });
  });
  app.post('/api/users', requireRole('admin', 'manage users'), async (c) => {
    const body = await parseBody(c, createUserBody);
    if (await users.byName(body.name)) throw new HttpError(409, 'conflict', `user ${body.name} exists`);
    const user = await users.save(body.name, body.role, body.password);
    const token = await users.issueToken(user.id, 'created with the user');
    await audit(c.get('actor').name, 'user.created', user.name, { role: user.role, signsIn: body.password !== undefined });
    return c.json({ name: user.name, role: user.role, token }, 201);
  });
  // A new role applies to the user's next request: sessions read the role from the user row.
  app.patch('/api/users/:name', requireRole('admin', 'manage users'), async (c) => {
    const name = c.req.param('name');
    const { role } = await parseBody(c, changeUserBody);
    const user = await users.byName(name);
    if (!user) throw new HttpError(404, 'not_found', `user ${name} does not exist: list them with \`mender user list\``);
    const admins = (await users.list()).filter((candidate) => candidate.role === 'admin');
    if (user.role === 'admin' && role !== 'admin' && admins.length === 1)
      throw new HttpError(409, 'conflict', `${name} is the only admin: make another user an admin first, or nobody can manage Mender`, {
        role: [`${name} is the only admin; make another user an admin first`],
      });
    const changed = await users.save(name, role, undefined, true);
    if (user.role !== role) await audit(c.get('actor').name, 'user.role_changed', name, { from: user.role, to: role });
    return c.json({ name: changed.name, role: changed.role, createdAt: changed.createdAt.toISOString() });
  });
}
