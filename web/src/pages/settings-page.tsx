import { useState } from 'react';
import { api } from '../api/api-client.ts';
import { ApiError } from '../api/api-error.ts';
import type { EditableSettingView, SettingsView } from '../../../src/server/api-types.ts';
import { useLiveResource } from '../live/use-live-resource.ts';
import { PageHeader } from '../components/page-header.tsx';
import { ErrorNotice } from '../components/error-notice.tsx';
import { Loading } from '../components/loading.tsx';
import { KillSwitch } from '../components/kill-switch.tsx';
import { SettingField, draftProblem, humanKey, settingText, settingValue } from '../components/setting-field.tsx';
import { SettingsSaveBar } from '../components/settings-save-bar.tsx';
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
  // Edits stay here until saved together; one whose text is the saved value again is no change.
  const [drafts, setDrafts] = useState<Record<string, string>>({});
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [saveError, setSaveError] = useState<ApiError | undefined>();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const changes = (data?.editable ?? []).flatMap((setting) => {
    const text = drafts[setting.key];
    return text !== undefined && text !== settingText(setting.value) ? [{ setting, text }] : [];
  });
  const edit = (key: string, text: string) => {
    setDrafts((previous) => ({ ...previous, [key]: text }));
    setProblems(({ [key]: _, ...others }) => others);
    setSaved(undefined);
  };
  const review = () => {
    // What can be told here is told at once, by its field; the rest the API judges.
    const found = Object.fromEntries(
      changes.flatMap(({ setting, text }) => (draftProblem(setting, text) ? [[setting.key, draftProblem(setting, text)!]] : [])),
    );
    setProblems(found);
    if (Object.keys(found).length === 0) setConfirming(true);
  };
  const save = async () => {
    setBusy(true);
    setSaved(undefined);
    setRefusal(undefined);
    setSaveError(undefined);
    try {
      await api.patch('/api/settings', Object.fromEntries(changes.map(({ setting, text }) => [setting.key, settingValue(setting, text)])));
      const names = changes.map(({ setting }) => humanKey(setting.key));
      setSaved(
        names.length === 1
          ? `${names[0]} saved; the change is in the audit log.`
          : `${names.length} settings saved (${names.join(', ')}); the changes are in the audit log.`,
      );
      setDrafts({});
      setProblems({});
      reload();
    } catch (caught) {
      const error = caught instanceof ApiError ? caught : new ApiError(0, 'error', String(caught));
      const autonomy = changes.find(({ setting }) => setting.key === 'autonomyLevel');
      if (error.code === 'autonomy_refused' && autonomy) {
        setRefusal({ level: Number(autonomy.text), why: error.fields?.autonomyLevel?.join('; ') ?? error.message });
      } else if (error.fields && Object.keys(error.fields).every((key) => changes.some(({ setting }) => setting.key === key))) {
        setProblems(Object.fromEntries(Object.entries(error.fields).map(([key, messages]) => [key, messages.join('; ')])));
      } else {
        setSaveError(error);
      }
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };
  const sandbox = data?.settings.sandbox;
  return (
    <section>
      <PageHeader title="Settings" subtitle="Changes are saved together, apply at once and are recorded in the audit log." />
      {sandbox === 'off' ? (
        <div className="notice notice-bad" role="alert" data-testid="settings-sandbox-warning">
          <strong>The sandbox is off.</strong> Tests and builds of every repository run without isolation: with network access and the files of this machine.
          Set MENDER_SANDBOX=bubblewrap (and install bubblewrap) to isolate them.
        </div>
      ) : null}
      <KillSwitch />
      <ErrorNotice error={error} title="The settings could not be loaded" onRetry={reload} />
      {loading && !data ? <Loading what="the settings" /> : null}
      <ErrorNotice error={saveError} title="The settings were not saved" />
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
                <SettingField
                  key={setting.key}
                  setting={setting}
                  text={drafts[setting.key] ?? settingText(setting.value)}
                  onText={(text) => edit(setting.key, text)}
                  problem={problems[setting.key]}
                />
              ))}
            </section>
          ))
        : null}
      <PolicyRules />
      <SettingsSaveBar
        changes={changes}
        busy={busy}
        confirming={confirming}
        onReview={review}
        onCancel={() => setConfirming(false)}
        onSave={() => void save()}
        onDiscard={() => {
          setDrafts({});
          setProblems({});
        }}
      />
    </section>
  );
}
