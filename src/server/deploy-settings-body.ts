import { deploySettingsSchema, type DeploySettings } from '../deploy/deploy-settings.ts';
import { HttpError } from '../http/http-error.ts';

/**
 * Deploy settings sent in a request body, parsed with their defaults filled in; otherwise a 400
 * whose fields name each wrong one (`deploy.environments.0.watchMinutes`).
 */
export function checkedDeploySettings(value: unknown): DeploySettings {
  const parsed = deploySettingsSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const fields: Record<string, string[]> = {};
  for (const issue of parsed.error.issues) (fields[['deploy', ...issue.path].join('.')] ??= []).push(issue.message);
  const summary = Object.entries(fields)
    .map(([field, messages]) => `${field}: ${messages.join(', ')}`)
    .join('; ');
  throw new HttpError(400, 'invalid_request', `the deploy settings are not valid: ${summary}`, fields);
}
