import type { z } from 'zod';
import { settingsSchema, type Settings } from './settings-schema.ts';

export type EditableSettingType = 'integer' | 'number' | 'boolean' | 'enum' | 'string-list' | 'model' | 'string';

export interface EditableSettingShape {
  type: EditableSettingType;
  options?: readonly string[];
  min?: number;
  max?: number;
  /** True when the value may be cleared (null): the default or the fallback applies again. */
  clearable?: boolean;
}

const operationTypeOptions = ['debug', 'fix', 'implement', 'refactor'] as const;

/**
 * Settings an admin may change while Mender runs (dashboard, `PATCH /api/settings`). Each one is
 * read where it is used, so a change applies to the next decision; `maxAttempts` is copied onto
 * each operation when it starts, so it applies to operations started after the change.
 * Never secrets, and nothing that needs a restart (addresses, folders, concurrency).
 */
export const editableSettings = {
  autonomyLevel: { type: 'integer', min: 1, max: 3 },
  twoPersonRule: { type: 'boolean' },
  protectedPaths: { type: 'string-list', clearable: true },
  protectedPathAction: { type: 'enum', options: settingsSchema.protectedPathAction.schema.options },
  maxAttempts: { type: 'integer', min: 1 },
  maxSteps: { type: 'integer', min: 1 },
  maxTokensPerOperation: { type: 'integer', min: 1 },
  maxCostPerOperation: { type: 'number', min: 0 },
  maxOperationsPerHour: { type: 'integer', min: 1 },
  maxOperationsPerDay: { type: 'integer', min: 1 },
  planGate: { type: 'string-list', options: operationTypeOptions },
  model: { type: 'model', clearable: true },
  plannerModel: { type: 'model', clearable: true },
  coderModel: { type: 'model', clearable: true },
  reviewerModel: { type: 'model', clearable: true },
} as const satisfies Partial<Record<keyof Settings, EditableSettingShape>>;

export type EditableSettingKey = keyof typeof editableSettings;

export function isEditableSetting(key: string): key is EditableSettingKey {
  return Object.hasOwn(editableSettings, key);
}

export type SettingCheck = { ok: true; value: unknown } | { ok: false; message: string };

/**
 * Validates a new value with the setting's own schema (the one the environment and the config
 * file go through); null clears a clearable setting.
 */
export function checkSettingValue(key: EditableSettingKey, value: unknown): SettingCheck {
  const shape: EditableSettingShape = editableSettings[key];
  if (value === null) return shape.clearable ? { ok: true, value: undefined } : { ok: false, message: `${key} cannot be cleared: give a value` };
  // The schemas also take environment text ("3", "true"); the API takes JSON values of the right type.
  const expected =
    shape.type === 'integer' || shape.type === 'number' ? 'number' : shape.type === 'boolean' ? 'boolean' : shape.type === 'string-list' ? 'array' : 'string';
  const actual = Array.isArray(value) ? 'array' : typeof value;
  if (actual !== expected) return { ok: false, message: `${key} must be ${expected === 'array' ? 'an array of strings' : `a ${expected}`}, not ${actual}` };
  const parsed = (settingsSchema[key].schema as z.ZodType).safeParse(value);
  if (!parsed.success) return { ok: false, message: parsed.error.issues.map((issue) => issue.message).join('; ') };
  return { ok: true, value: parsed.data };
}
