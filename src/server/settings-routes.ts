import type { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnvironment } from './authenticate.ts';
import { parseBody } from './parse-request.ts';
import { requireRole } from './require-role.ts';
import { HttpError } from '../http/http-error.ts';
import type { RuntimeSettings } from './runtime-settings.ts';

const settingsPatch = z.record(z.string(), z.unknown());

/** `GET /api/settings` and `PATCH /api/settings` (admins): the editable settings, changed live and audited. */
export function registerSettingsRoutes(app: Hono<AppEnvironment>, services: { runtimeSettings: RuntimeSettings }): void {
  app.get('/api/settings', requireRole('admin', 'read the settings'), (c) => {
    return c.json(services.runtimeSettings.view());
  });
  app.patch('/api/settings', requireRole('admin', 'change settings'), async (c) => {
    const { override, ...patch } = await parseBody(c, settingsPatch);
    await services.runtimeSettings.change(patch, c.get('actor').name, { override: parseOverride(override, patch) });
    return c.json(services.runtimeSettings.view());
  });
}

const longestOverride = 1000;

/** `override`: the reason an admin goes past a policy rule refusing a new autonomy level. */
function parseOverride(override: unknown, patch: Record<string, unknown>): string | undefined {
  if (override === undefined) return undefined;
  const problem =
    typeof override !== 'string' || override.trim() === ''
      ? 'override must be a text giving the reason the policy is overridden'
      : override.length > longestOverride
        ? `override is longer than ${longestOverride} characters`
        : !('autonomyLevel' in patch)
          ? 'override applies to autonomyLevel only: give {"autonomyLevel": N, "override": "<why>"}'
          : undefined;
  if (problem) throw new HttpError(400, 'invalid_settings', `no setting was changed: ${problem}`, { override: [problem] });
  return (override as string).trim();
}
