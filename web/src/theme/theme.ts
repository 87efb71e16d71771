export type ThemeChoice = 'system' | 'light' | 'dark';

const storageKey = 'mender-theme';

export function storedTheme(): ThemeChoice {
  try {
    const value = window.localStorage.getItem(storageKey);
    return value === 'light' || value === 'dark' ? value : 'system';
  } catch {
    return 'system';
  }
}

/** Applies the choice to <html>; `system` follows prefers-color-scheme through the stylesheet. */
export function applyTheme(choice: ThemeChoice): void {
  const root = document.documentElement;
  if (choice === 'system') delete root.dataset.theme;
  else root.dataset.theme = choice;
  try {
    if (choice === 'system') window.localStorage.removeItem(storageKey);
    else window.localStorage.setItem(storageKey, choice);
  } catch {
    // private mode: the choice lasts for this page only
  }
}
