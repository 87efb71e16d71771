import type { Hono } from 'hono';
import { z } from 'zod';
import { roleAtLeast, type Actor } from '../domain/roles.ts';
import type { AppEnvironment } from './authenticate.ts';
import { HttpError } from './http-error.ts';
import { parseBody } from './parse-request.ts';
import type { RuntimeSettings } from './runtime-settings.ts';

const settingsPatch = z.record(z.string(), z.unknown());

function requireAdmin(actor: Actor, what: string): void {
  if (!roleAtLeast(actor.role, 'admin')) throw new HttpError(403, 'forbidden', `${actor.name} is ${actor.role}; only admins ${what}`);
}

/** `GET /api/settings` and `PATCH /api/settings` (admins): the editable settings, changed live and audited. */
export function registerSettingsRoutes(app: Hono<AppEnvironment>, services: { runtimeSettings: RuntimeSettings }): void {
  app.get('/api/settings', (c) => {
    requireAdmin(c.get('actor'), 'read the settings');
    return c.json(services.runtimeSettings.view());
  });
  app.patch('/api/settings', async (c) => {
    requireAdmin(c.get('actor'), 'change settings');
    const patch = await parseBody(c, settingsPatch);
    await services.runtimeSettings.change(patch, c.get('actor').name);
    return c.json(services.runtimeSettings.view());
  });
}
