import type { EditableSettingView } from '../../../src/server/api-types.ts';
import { ConfirmDialog } from './confirm-dialog.tsx';
import { humanKey, settingText, shownValue } from './setting-field.tsx';

export interface SettingChange {
  setting: EditableSettingView;
  text: string;
}

interface SettingsSaveBarProps {
  changes: SettingChange[];
  busy: boolean;
  confirming: boolean;
  onReview(): void;
  onCancel(): void;
  onSave(): void;
  onDiscard(): void;
}

const countOf = (count: number) => `${count} change${count === 1 ? '' : 's'}`;

/**
 * The settings page's changes not saved yet: a bar that stays in view with Save n changes and
 * Discard, and the confirmation that lists each change (old → new) before one request saves them all.
 */
export function SettingsSaveBar({ changes, busy, confirming, onReview, onCancel, onSave, onDiscard }: SettingsSaveBarProps) {
  return (
    <>
      {changes.length > 0 ? (
        <div className="save-bar" role="region" aria-label="Changes not saved" data-testid="save-bar">
          <span>{countOf(changes.length)} not saved</span>
          <span className="button-row">
            <button type="button" className="button" onClick={onDiscard} disabled={busy}>
              Discard
            </button>
            <button type="button" className="button primary" onClick={onReview} disabled={busy}>
              {busy ? 'Saving…' : `Save ${countOf(changes.length)}`}
            </button>
          </span>
        </div>
      ) : null}
      <ConfirmDialog
        open={confirming}
        title={`Save ${countOf(changes.length)}?`}
        confirmLabel={`Save ${countOf(changes.length)}`}
        busy={busy}
        onCancel={onCancel}
        onConfirm={onSave}
      >
        <p>They apply at once, all together or none, and each is recorded in the audit log.</p>
        <ul className="change-list" data-testid="change-list">
          {changes.map(({ setting, text }) => (
            <li key={setting.key}>
              <strong>{humanKey(setting.key)}</strong>: {shownValue(setting, settingText(setting.value))} → {shownValue(setting, text)}
            </li>
          ))}
        </ul>
      </ConfirmDialog>
    </>
  );
}
