import { useId } from 'react';
import type { EditableSettingView } from '../../../src/server/api-types.ts';

/** What the input holds, as text; lists are one entry per line. */
export function settingText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.join('\n');
  if (typeof value === 'object') return JSON.stringify(value, null, 2);
  return String(value);
}

function isList(setting: EditableSettingView): boolean {
  return /list|array|\[\]/.test(setting.type) || Array.isArray(setting.value);
}

/** The value a setting's text stands for, as the API takes it. */
export function settingValue(setting: EditableSettingView, text: string): unknown {
  if (setting.type === 'boolean') return text === 'true';
  if (setting.type === 'number' || setting.type === 'integer') return text.trim() === '' ? null : Number(text);
  if (isList(setting))
    return text
      .split(/\n|,/)
      .map((entry) => entry.trim())
      .filter(Boolean);
  return text.trim() === '' ? null : text;
}

const scaleLabels: Record<string, Record<string, string>> = {
  autonomyLevel: {
    '1': '1 · propose only: every gate waits for a human',
    '2': '2 · low-risk changes merge by themselves',
    '3': '3 · full autonomy within the safety policy',
  },
};

export function humanKey(key: string): string {
  return key.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (first) => first.toUpperCase());
}

/** What is wrong with a draft, in words, before it is sent; undefined when the API should judge it. */
export function draftProblem(setting: EditableSettingView, text: string): string | undefined {
  if (setting.type !== 'number' && setting.type !== 'integer') return undefined;
  if (text.trim() === '') return `${humanKey(setting.key)} needs a number.`;
  const value = Number(text);
  if (!Number.isFinite(value)) return `${humanKey(setting.key)} needs a number, not “${text}”.`;
  if (setting.type === 'integer' && !Number.isInteger(value)) return `${humanKey(setting.key)} is a whole number.`;
  if (setting.min !== undefined && value < setting.min) return `${humanKey(setting.key)} is at least ${setting.min}.`;
  if (setting.max !== undefined && value > setting.max) return `${humanKey(setting.key)} is at most ${setting.max}.`;
  return undefined;
}

/** A setting's value as the confirmation lists it. */
export function shownValue(setting: EditableSettingView, text: string): string {
  if (text.trim() === '') return 'empty';
  if (setting.type === 'boolean') return text === 'true' ? 'on' : 'off';
  return scaleLabels[setting.key]?.[text] ?? text.split('\n').filter(Boolean).join(', ');
}

interface SettingFieldProps {
  setting: EditableSettingView;
  /** The text being edited (the saved value's text when nothing changed). */
  text: string;
  onText(text: string): void;
  /** What was wrong with the draft, from the page's check or the API. */
  problem?: string;
}

/** One editable setting: its input by type and where its value comes from; the page saves the changed ones together. */
export function SettingField({ setting, text, onText: setText, problem }: SettingFieldProps) {
  const id = useId();
  const changed = text !== settingText(setting.value);
  let input;
  if (setting.options?.length && isList(setting)) {
    // Several of a fixed set (e.g. which operation types wait for plan approval): one checkbox each.
    const chosen = new Set(text.split('\n').filter(Boolean));
    const toggle = (option: string, on: boolean) => {
      if (on) chosen.add(option);
      else chosen.delete(option);
      setText(setting.options!.filter((candidate) => chosen.has(candidate)).join('\n'));
    };
    input = (
      <fieldset id={id} className="choices" aria-label={humanKey(setting.key)}>
        {setting.options.map((option) => (
          <label key={option} className="checkbox">
            <input type="checkbox" checked={chosen.has(option)} onChange={(event) => toggle(option, event.target.checked)} /> {option}
          </label>
        ))}
      </fieldset>
    );
  } else if (setting.options?.length) {
    input = (
      <select id={id} value={text} onChange={(event) => setText(event.target.value)}>
        {setting.options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    );
  } else if (setting.type === 'boolean') {
    input = (
      <select id={id} value={text} onChange={(event) => setText(event.target.value)}>
        <option value="true">on</option>
        <option value="false">off</option>
      </select>
    );
  } else if (setting.type === 'integer' && setting.min !== undefined && setting.max !== undefined && setting.max - setting.min <= 5) {
    // A small scale (the autonomy level): each step named rather than typed.
    input = (
      <select id={id} value={text} onChange={(event) => setText(event.target.value)}>
        {Array.from({ length: setting.max - setting.min + 1 }, (_, index) => String(setting.min! + index)).map((option) => (
          <option key={option} value={option}>
            {scaleLabels[setting.key]?.[option] ?? option}
          </option>
        ))}
      </select>
    );
  } else if (setting.type === 'number' || setting.type === 'integer') {
    input = (
      <input
        id={id}
        type="number"
        min={setting.min}
        max={setting.max}
        step={setting.type === 'integer' ? 1 : 'any'}
        value={text}
        onChange={(event) => setText(event.target.value)}
      />
    );
  } else if (isList(setting)) {
    input = (
      <textarea
        id={id}
        rows={Math.min(8, Math.max(3, text.split('\n').length + 1))}
        className="mono"
        value={text}
        onChange={(event) => setText(event.target.value)}
      />
    );
  } else {
    input = <input id={id} value={text} onChange={(event) => setText(event.target.value)} />;
  }
  return (
    <div className={`setting${changed ? ' setting-changed' : ''}`} data-setting={setting.key}>
      <label htmlFor={id} className="setting-label">
        {humanKey(setting.key)}
      </label>
      <p className="muted small">
        {setting.description}
        {isList(setting) && !setting.options?.length ? ' One entry per line.' : ''} <span className="badge tone-neutral">from {setting.source}</span>
      </p>
      <div className="setting-input">
        {input}
        {changed ? (
          <span className="badge tone-waiting" data-testid="setting-changed">
            not saved
          </span>
        ) : null}
      </div>
      {problem ? (
        <div role="alert">
          <p className="field-errors">{problem}</p>
        </div>
      ) : null}
    </div>
  );
}
