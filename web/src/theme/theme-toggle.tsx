import { useState } from 'react';
import { applyTheme, storedTheme, type ThemeChoice } from './theme.ts';

const next: Record<ThemeChoice, ThemeChoice> = { system: 'light', light: 'dark', dark: 'system' };
const labels: Record<ThemeChoice, string> = { system: 'Theme: system', light: 'Theme: light', dark: 'Theme: dark' };

/** Cycles system → light → dark; the button says which theme is in use. */
export function ThemeToggle() {
  const [choice, setChoice] = useState<ThemeChoice>(storedTheme);
  return (
    <button
      type="button"
      className="button subtle"
      onClick={() => {
        const chosen = next[choice];
        applyTheme(chosen);
        setChoice(chosen);
      }}
      title="Switch between the system, light and dark themes"
    >
      {labels[choice]}
    </button>
  );
}
