import { useState } from 'react';
import { api } from '../api/api-client.ts';
import { ApiError } from '../api/api-error.ts';
import type { EditableSettingView, SettingsView } from '../../../src/server/api-types.ts';
import { useLiveResource } from '../live/use-live-resource.ts';
import { PageHeader } from '../components/page-header.tsx';
import { ErrorNotice } from '../components/error-notice.tsx';
import { Loading } from '../components/loading.tsx';
import { KillSwitch } from '../components/kill-switch.tsx';
import { SettingField, humanKey } from '../components/setting-field.tsx';
import { PolicyRules } from '../components/policy-rules.tsx';
import { AutonomyOverride, type AutonomyRefusal } from '../components/autonomy-override.tsx';

const groups: { title: string; matches: (key: string) => boolean }[] = [
  { title: 'Autonomy and approvals', matches: (key) => /autonomy|twoPerson|planGate|approval/i.test(key) },
  { title: 'Protected paths', matches: (key) => /protected/i.test(key) },
  { title: 'Limits and budgets', matches: (key) => /max|limit|budget|cost|perHour|perDay|concurrency|timeout|prices/i.test(key) },
  { title: 'Models per role', matches: (key) => /model/i.test(key) },
];

function groupSettings(editable: EditableSettingView[]): { title: string; settings: EditableSettingView[] }[] {
  const placed = new Set<string>();
  const result = groups.map((group) => {
    const settings = editable.filter((setting) => !placed.has(setting.key) && group.matches(setting.key));
    for (const setting of settings) placed.add(setting.key);
    return { title: group.title, settings };
  });
  result.push({ title: 'Other', settings: editable.filter((setting) => !placed.has(setting.key)) });
  return result.filter((group) => group.settings.length > 0);
}

/** Admin settings: the kill switch, autonomy, protected paths, limits and budgets, models per role, and the policy's rules (read-only). */
export function SettingsPage() {
  const { data, error, loading, reload } = useLiveResource(
    () => api.get<SettingsView>('/api/settings'),
    'settings',
    (event) => event.type.startsWith('settings.'),
  );
  const [saved, setSaved] = useState<string | undefined>();
  const [refusal, setRefusal] = useState<AutonomyRefusal | undefined>();
  const save = async (key: string, value: unknown) => {
    setSaved(undefined);
    setRefusal(undefined);
    try {
      await api.patch('/api/settings', { [key]: value });
    } catch (caught) {
      if (caught instanceof ApiError && caught.code === 'autonomy_refused' && typeof value === 'number') {
        setRefusal({ level: value, why: caught.fields?.autonomyLevel?.join('; ') ?? caught.message });
      }
      if (caught instanceof ApiError && caught.fields) throw new Error(Object.values(caught.fields).flat().join('; ') || caught.message);
      throw caught;
    }
    setSaved(`${humanKey(key)} saved; the change is in the audit log.`);
    reload();
  };
  const sandbox = data?.settings.sandbox;
  return (
    <section>
      <PageHeader title="Settings" subtitle="Changes apply at once and are recorded in the audit log." />
      {sandbox === 'off' ? (
        <div className="notice notice-bad" role="alert" data-testid="settings-sandbox-warning">
          <strong>The sandbox is off.</strong> Tests and builds of every repository run without isolation: with network access and the files of this machine.
          Set MENDER_SANDBOX=bubblewrap (and install bubblewrap) to isolate them.
        </div>
      ) : null}
      <KillSwitch />
      <ErrorNotice error={error} title="The settings could not be loaded" onRetry={reload} />
      {loading && !data ? <Loading what="the settings" /> : null}
      {saved ? (
        <p className="notice notice-good" role="status">
          {saved}
        </p>
      ) : null}
      {refusal ? (
        <AutonomyOverride
          refusal={refusal}
          onDone={(message) => {
            setRefusal(undefined);
            setSaved(message);
            reload();
          }}
        />
      ) : null}
      {data
        ? groupSettings(data.editable).map((group) => (
            <section key={group.title} className="card" aria-label={group.title}>
              <h2>{group.title}</h2>
              {group.settings.map((setting) => (
                <SettingField key={setting.key} setting={setting} onSave={save} />
              ))}
            </section>
          ))
        : null}
      <PolicyRules />
    </section>
  );
}
