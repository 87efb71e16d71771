import { checkSettingValue, editableSettings, isEditableSetting, type EditableSettingKey, type EditableSettingShape } from '../config/editable-settings.ts';
import type { LoadedConfig } from '../config/load-settings.ts';
import { settingsSchema, type Settings } from '../config/settings-schema.ts';
import type { Logger } from '../logging/logger.ts';
import type { SettingChange, SettingOverrideStore } from '../store/setting-overrides.ts';
import { HttpError } from '../http/http-error.ts';
import type { AutonomyGate } from './autonomy-gate.ts';

export type SettingSource = 'default' | 'file' | 'env' | 'runtime';

export interface EditableSettingView extends EditableSettingShape {
  key: EditableSettingKey;
  description: string;
  source: SettingSource;
  value: unknown;
}

export interface SettingsView {
  settings: Record<string, unknown>;
  editable: EditableSettingView[];
}

const secretKeys = new Set(Object.entries(settingsSchema).flatMap(([key, definition]) => ('secret' in definition && definition.secret ? [key] : [])));

/**
 * The settings object the whole process reads, changed in place at run time: the pipeline reads
 * each setting where it decides, so a change applies from the next decision on.
 */
export class RuntimeSettings {
  constructor(
    private readonly settings: Settings,
    private readonly sources: LoadedConfig['sources'],
    private readonly overrides: SettingOverrideStore,
    /** Decides changes of `autonomyLevel` and records their periods; absent, the level changes like any setting. */
    private readonly autonomy?: AutonomyGate,
  ) {}

  /** At start: stored overrides win over the environment and the file; a stored value that no longer validates is skipped, loudly. */
  async applyStored(log: Logger): Promise<void> {
    for (const [key, stored] of await this.overrides.load()) {
      if (!isEditableSetting(key)) {
        log.warn('ignoring a stored setting override that can no longer be changed at run time', { key });
        continue;
      }
      const checked = checkSettingValue(key, stored);
      if (!checked.ok) {
        log.warn('ignoring a stored setting override that is no longer valid; change it in the dashboard', { key, problem: checked.message });
        continue;
      }
      (this.settings as Record<string, unknown>)[key] = checked.value;
    }
  }

  view(): SettingsView {
    const settings = Object.fromEntries(
      (Object.keys(settingsSchema) as (keyof Settings)[]).flatMap((key) => (secretKeys.has(key) ? [] : [[key, this.settings[key] ?? null]])),
    );
    const editable = (Object.entries(editableSettings) as [EditableSettingKey, EditableSettingShape][]).map(([key, shape]) => ({
      key,
      description: settingsSchema[key].description,
      ...shape,
      source: this.sourceOf(key),
      value: this.settings[key] ?? null,
    }));
    return { settings, editable };
  }

  /**
   * Validates every key first (unknown or fixed keys and bad values are named; nothing changes if
   * one is wrong), stores and audits the ones that differ, then applies them. A new
   * `autonomyLevel` passes the `autonomy` gate first; `override` (a reason) goes past a deny.
   */
  async change(patch: Record<string, unknown>, actor: string, options: { override?: string } = {}): Promise<SettingChange[]> {
    const fields: Record<string, string[]> = {};
    const parsed: [EditableSettingKey, unknown][] = [];
    for (const [key, value] of Object.entries(patch)) {
      if (!isEditableSetting(key)) {
        fields[key] = [
          key in settingsSchema
            ? `${key} cannot be changed at run time: set it in the environment or the config file and restart`
            : `unknown setting ${key}; editable: ${Object.keys(editableSettings).join(', ')}`,
        ];
        continue;
      }
      const checked = checkSettingValue(key, value);
      if (checked.ok) parsed.push([key, checked.value]);
      else fields[key] = [checked.message];
    }
    if (Object.keys(fields).length > 0) {
      const summary = Object.entries(fields)
        .map(([key, messages]) => `${key}: ${messages.join(', ')}`)
        .join('; ');
      throw new HttpError(400, 'invalid_settings', `no setting was changed: ${summary}`, fields);
    }
    if (parsed.length === 0)
      throw new HttpError(400, 'invalid_settings', `give at least one setting to change; editable: ${Object.keys(editableSettings).join(', ')}`);
    const changes = parsed
      .map(([key, value]) => ({ key, old: this.settings[key], new: value }))
      .filter((change) => JSON.stringify(change.old ?? null) !== JSON.stringify(change.new ?? null));
    const autonomyChange = changes.find((change) => change.key === 'autonomyLevel');
    const autonomy = this.autonomy;
    const period =
      autonomyChange && autonomy ? await autonomy.admit(Number(autonomyChange.old), Number(autonomyChange.new), actor, options.override) : undefined;
    await this.overrides.save(changes, actor, period && autonomy && ((executor) => autonomy.periods.start(executor, period)));
    for (const change of changes) (this.settings as Record<string, unknown>)[change.key] = change.new;
    return changes;
  }

  sourceOf(key: EditableSettingKey): SettingSource {
    if (this.overrides.isOverridden(key)) return 'runtime';
    return this.sources?.[key] ?? 'default';
  }
}
