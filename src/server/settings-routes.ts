import type { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnvironment } from './authenticate.ts';
import { parseBody } from './parse-request.ts';
import { requireRole } from './require-role.ts';
import type { RuntimeSettings } from './runtime-settings.ts';

const settingsPatch = z.record(z.string(), z.unknown());

/** `GET /api/settings` and `PATCH /api/settings` (admins): the editable settings, changed live and audited. */
export function registerSettingsRoutes(app: Hono<AppEnvironment>, services: { runtimeSettings: RuntimeSettings }): void {
  app.get('/api/settings', requireRole('admin', 'read the settings'), (c) => {
    return c.json(services.runtimeSettings.view());
  });
  app.patch('/api/settings', requireRole('admin', 'change settings'), async (c) => {
    const patch = await parseBody(c, settingsPatch);
    await services.runtimeSettings.change(patch, c.get('actor').name);
    return c.json(services.runtimeSettings.view());
  });
}
