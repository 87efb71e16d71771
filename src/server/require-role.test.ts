import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../logging/logger.ts';
import type { Actor, Role } from '../domain/roles.ts';
import type { AppEnvironment } from './authenticate.ts';
import { createErrorHandler } from './handle-error.ts';
import { requireRole } from './require-role.ts';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

function appFor(role: Role): Hono<AppEnvironment> {
  const app = new Hono<AppEnvironment>();
  app.onError(createErrorHandler(silent));
  app.use('*', async (c, next) => {
    c.set('actor', { id: 'u1', name: 'dana', role } satisfies Actor);
    await next();
  });
  app.post('/projects', requireRole('admin', 'may create projects'), (c) => c.json({ created: true }, 201));
  app.post('/issues/resolve', requireRole('team-lead', 'may resolve issues'), (c) => c.json({ resolved: true }));
  return app;
}

describe('requireRole', () => {
  it('refuses an actor below the role with 403, naming the actor, the role and who may', async () => {
    const response = await appFor('team-lead').request('/projects', { method: 'POST' });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ error: { code: 'forbidden', message: 'dana is team-lead; only admins may create projects' } });
    const viewer = await appFor('viewer').request('/issues/resolve', { method: 'POST' });
    expect(viewer.status).toBe(403);
    expect(await viewer.json()).toEqual({ error: { code: 'forbidden', message: 'dana is viewer; only team leads and admins may resolve issues' } });
  });

  it('lets the role and the roles above it through to the handler', async () => {
    expect((await appFor('admin').request('/projects', { method: 'POST' })).status).toBe(201);
    expect((await appFor('team-lead').request('/issues/resolve', { method: 'POST' })).status).toBe(200);
    expect((await appFor('admin').request('/issues/resolve', { method: 'POST' })).status).toBe(200);
  });
});
