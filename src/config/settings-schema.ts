import type { z } from 'zod';
import { serverSettings } from './settings/server-settings.ts';
import { modelSettings } from './settings/model-settings.ts';
import { agentSettings } from './settings/agent-settings.ts';
import { safetySettings } from './settings/safety-settings.ts';
import { dashboardSettings } from './settings/dashboard-settings.ts';
import { integrationSettings } from './settings/integration-settings.ts';
import { githubSettings } from './settings/github-settings.ts';
import { detectionSettings } from './settings/detection-settings.ts';
import { processSettings } from './settings/process-settings.ts';
import { supervisorSettings } from './settings/supervisor-settings.ts';
import { scaleSettings } from './settings/scale-settings.ts';

export type { SettingDefinition } from './setting-definition.ts';

/**
 * The settings schema: the single source for validation, the README's configuration table and
 * `.env.example` (see scripts/generate-config-docs.ts). One file per room under settings/, in the
 * order the README lists them.
 */
export const settingsSchema = {
  ...serverSettings,
  ...modelSettings,
  ...agentSettings,
  ...safetySettings,
  ...dashboardSettings,
  ...integrationSettings,
  ...githubSettings,
  ...detectionSettings,
  ...supervisorSettings,
  ...processSettings,
  ...scaleSettings,
} as const;

export type SettingsSchema = typeof settingsSchema;
export type Settings = { -readonly [Key in keyof SettingsSchema]: z.output<SettingsSchema[Key]['schema']> };
