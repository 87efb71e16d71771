import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { settingsSchema, type Settings } from './settings-schema.ts';
import { ConfigError } from './config-error.ts';

export const repoConfigSchema = z.object({
  name: z.string().regex(/^[a-zA-Z0-9._-]{1,64}$/, 'letters, digits, dot, dash and underscore only (at most 64)'),
  path: z.string().min(1),
  defaultBranch: z.string().min(1).optional(),
  commands: z.object({ test: z.string(), typecheck: z.string(), lint: z.string(), build: z.string(), format: z.string() }).partial().optional(),
  /** Deploy settings; their own schema (deploy/deploy-settings.ts, a layer above) checks them when the repository is registered. */
  deploy: z.record(z.string(), z.unknown()).optional(),
  /** Mender's own checkout (self-maintenance): its merges become self-updates under the supervisor. */
  self: z.boolean().optional(),
});
export type RepoConfig = z.infer<typeof repoConfigSchema>;

const configFileSchema = z.object({ repos: z.array(repoConfigSchema).default([]) }).catchall(z.unknown());

export interface LoadedConfig {
  settings: Settings;
  repos: RepoConfig[];
  /** Where each setting's value came from (absent keys: the default). */
  sources?: Partial<Record<keyof Settings, 'file' | 'env'>>;
}

type SettingKey = keyof Settings;

/** Settings from defaults, then the config file, then the environment (which wins). */
export function loadSettings(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): LoadedConfig {
  const raw: Record<string, unknown> = {};
  // Where each value came from, so an error names the variable or the file to fix.
  const origin: Record<string, string> = {};
  const sources: Partial<Record<SettingKey, 'file' | 'env'>> = {};
  const fileName = env.MENDER_CONFIG ?? (fs.existsSync(path.join(cwd, 'mender.config.json')) ? 'mender.config.json' : undefined);
  let repos: RepoConfig[] = [];
  if (fileName) {
    const filePath = path.resolve(cwd, fileName);
    let text: string;
    try {
      text = fs.readFileSync(filePath, 'utf8');
    } catch {
      throw new ConfigError(`config file ${filePath} cannot be read: check MENDER_CONFIG`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new ConfigError(`config file ${filePath} is not valid JSON: ${(error as Error).message}`);
    }
    const parsed = configFileSchema.safeParse(json);
    if (!parsed.success) throw new ConfigError(`config file ${filePath}: ${formatIssues(parsed.error)}`);
    repos = parsed.data.repos.map((repo) => ({ ...repo, path: path.resolve(path.dirname(filePath), repo.path) }));
    const unknown = Object.keys(parsed.data).filter((key) => key !== 'repos' && !(key in settingsSchema));
    if (unknown.length)
      throw new ConfigError(`config file ${filePath}: unknown setting(s) ${unknown.join(', ')}; known: repos, ${Object.keys(settingsSchema).join(', ')}`);
    for (const key of Object.keys(settingsSchema) as SettingKey[]) {
      if (key in parsed.data) {
        raw[key] = parsed.data[key];
        origin[key] = `"${key}" in config file ${filePath}`;
        sources[key] = 'file';
      }
    }
  }
  for (const [key, definition] of Object.entries(settingsSchema) as [SettingKey, (typeof settingsSchema)[SettingKey]][]) {
    const name = definition.env.find((variable) => env[variable] !== undefined && env[variable] !== '');
    if (!name) continue;
    if (env[name]!.trim() === '') throw new ConfigError(`${name} is blank: unset it to use the default, or give a value (${definition.description})`);
    raw[key] = env[name];
    origin[key] = name;
    sources[key] = 'env';
  }
  const settings: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, definition] of Object.entries(settingsSchema) as [SettingKey, (typeof settingsSchema)[SettingKey]][]) {
    const value = raw[key] ?? definition.default;
    if (value === undefined) continue;
    const parsed = (definition.schema as z.ZodType).safeParse(value);
    if (parsed.success) settings[key] = parsed.data;
    else problems.push(`${origin[key] ?? definition.env[0]} ${formatIssues(parsed.error)}`);
  }
  if (problems.length > 0) throw new ConfigError(`invalid settings: ${problems.join('; ')}`);
  const result = settings as Settings;
  result.dataDir = path.resolve(cwd, result.dataDir);
  return { settings: result, repos, sources };
}

function formatIssues(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ');
}

/** Values of settings marked secret, for redaction. */
export function secretSettingValues(settings: Settings): string[] {
  return (Object.entries(settingsSchema) as [SettingKey, (typeof settingsSchema)[SettingKey]][])
    .filter(([, definition]) => 'secret' in definition && definition.secret)
    .map(([key]) => settings[key])
    .filter((value): value is string => typeof value === 'string' && value.length >= 6);
}
