import fs from 'node:fs';
import { ApiError } from './api-client.ts';

// `mender repo deploy <repo> …`: the flags merged over the repository's current deploy settings
// (and a settings file, if given), so one flag changes one thing. The server checks the result.

export interface DeploySettingsFlags {
  startCommand?: string;
  healthPath?: string;
  smokeCommand?: string;
  environments?: string;
  intervalSeconds?: string;
  steps?: string;
  port?: string[];
  settingsFile?: string;
}

type Settings = Record<string, unknown>;
type Environment = Record<string, unknown> & { name: string };

function number(text: string, flag: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new ApiError(400, `${flag}: "${text}" is not a number`);
  return value;
}

function readSettingsFile(file: string): Settings {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new ApiError(400, `--settings-file: ${file} cannot be read`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ApiError(400, `--settings-file: ${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new ApiError(400, `--settings-file: ${file} holds no JSON object of deploy settings`);
  return json as Settings;
}

/** `staging:10,production:30`: names and watch minutes, in order; an environment already set up keeps its other settings. */
function environmentsFrom(text: string, current: Environment[]): Environment[] {
  return text.split(',').map((entry) => {
    const [name = '', minutes] = entry.trim().split(':');
    if (!name || minutes === undefined) throw new ApiError(400, `--environments: "${entry}" is not name:minutes, e.g. staging:10,production:30`);
    const existing = current.find((environment) => environment.name === name);
    return { ...existing, name, watchMinutes: number(minutes, `--environments ${name}`) };
  });
}

export function mergeDeploySettings(current: Settings | null, flags: DeploySettingsFlags): Settings {
  const merged: Settings = { ...current, ...(flags.settingsFile ? readSettingsFile(flags.settingsFile) : {}) };
  if (flags.startCommand !== undefined) merged.startCommand = flags.startCommand;
  if (flags.healthPath !== undefined) merged.healthPath = flags.healthPath;
  if (flags.smokeCommand !== undefined) merged.smokeCommand = flags.smokeCommand;
  if (flags.intervalSeconds !== undefined) merged.intervalSeconds = number(flags.intervalSeconds, '--interval-seconds');
  let environments = (merged.environments as Environment[] | undefined) ?? undefined;
  if (flags.environments !== undefined) environments = environmentsFrom(flags.environments, environments ?? []);
  if (flags.steps !== undefined) {
    const steps = flags.steps.split(',').map((step) => number(step, '--steps'));
    environments = (environments ?? defaultEnvironments()).map((environment) => ({ ...environment, trafficSteps: steps }));
  }
  for (const entry of flags.port ?? []) {
    const [name = '', port = ''] = entry.split('=');
    environments ??= defaultEnvironments();
    const environment = environments.find((candidate) => candidate.name === name);
    if (!environment)
      throw new ApiError(400, `--port ${entry}: there is no environment "${name}" (there are ${environments.map((candidate) => candidate.name).join(', ')})`);
    environment.publicPort = number(port, `--port ${name}`);
  }
  if (environments) merged.environments = environments;
  return merged;
}

/** The server's defaults, for a flag that changes every environment before any is set up. */
function defaultEnvironments(): Environment[] {
  return [
    { name: 'staging', watchMinutes: 10 },
    { name: 'production', watchMinutes: 30 },
  ];
}
