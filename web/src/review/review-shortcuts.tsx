import { useEffect, useId, useRef, useState } from 'react';

/** The review page's keys, as the `?` list shows them. */
export const reviewShortcuts = [
  { keys: 'j', does: 'next changed file' },
  { keys: 'k', does: 'previous changed file' },
  { keys: 'a', does: 'approve (a change asks to confirm first)' },
  { keys: 'r', does: 'request changes: to the comment box' },
  { keys: '?', does: 'this list' },
] as const;

/** Keys typed into a field, or with a modifier, belong to that field or the browser. */
function isForThePage(event: KeyboardEvent): boolean {
  if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return false;
  const target = event.target as HTMLElement | null;
  if (target?.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]')) return false;
  // An open dialog (a confirmation, this list) has the keyboard to itself.
  return !document.querySelector('dialog[open]');
}

/** Moves to the next (or previous) file of the diff from the one that has focus or is nearest the top. */
function moveToFile(step: 1 | -1): void {
  const files = [...document.querySelectorAll<HTMLElement>('.diff-file')];
  if (files.length === 0) return;
  const focused = files.findIndex((file) => file.contains(document.activeElement));
  const current = focused >= 0 ? focused : files.findLastIndex((file) => file.getBoundingClientRect().top <= 80);
  const next = files[Math.min(files.length - 1, Math.max(0, current + step))] ?? files[0]!;
  next.scrollIntoView({ block: 'start' });
  next.querySelector<HTMLElement>('.diff-toggle')?.focus({ preventScroll: true });
}

/** Clicks a decision button that is there and enabled; false when there is none to press. */
function press(action: string): boolean {
  const button = document.querySelector<HTMLButtonElement>(`.decision-panel [data-action="${action}"]`);
  if (!button || button.disabled) return false;
  button.click();
  return true;
}

/**
 * The operation page's keyboard shortcuts (j/k files, a approve, r request changes) and the `?`
 * list of them. The keys do only what a button on the page does: approving a change still asks
 * to confirm, and request changes goes to the comment box the decision needs.
 */
export function ReviewShortcuts() {
  const [open, setOpen] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!isForThePage(event)) return;
      let handled = true;
      if (event.key === 'j') moveToFile(1);
      else if (event.key === 'k') moveToFile(-1);
      else if (event.key === 'a') handled = press('approve');
      else if (event.key === 'r') {
        const comment = document.querySelector<HTMLTextAreaElement>('.decision-panel textarea[name="comment"]');
        handled = !!comment && !!document.querySelector('.decision-panel [data-action="request-changes"]');
        if (handled) {
          comment!.scrollIntoView({ block: 'center' });
          comment!.focus({ preventScroll: true });
        }
      } else if (event.key === '?') setOpen(true);
      else handled = false;
      if (handled) event.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  useEffect(() => {
    const element = dialog.current;
    if (open && element && !element.open) element.showModal();
    if (!open && element?.open) element.close();
  }, [open]);
  return (
    <>
      <button type="button" className="button subtle small" onClick={() => setOpen(true)} aria-keyshortcuts="Shift+?">
        Keyboard shortcuts
      </button>
      <dialog ref={dialog} className="dialog" aria-labelledby={titleId} onClose={() => setOpen(false)} data-testid="shortcuts-dialog">
        <h2 id={titleId}>Keyboard shortcuts</h2>
        <dl className="shortcut-list">
          {reviewShortcuts.map((shortcut) => (
            <div key={shortcut.keys}>
              <dt>
                <kbd>{shortcut.keys}</kbd>
              </dt>
              <dd>{shortcut.does}</dd>
            </div>
          ))}
        </dl>
        <p className="muted small">Keys typed into a field are the field&apos;s.</p>
        <div className="dialog-actions">
          <button type="button" className="button primary" onClick={() => setOpen(false)} autoFocus>
            Close
          </button>
        </div>
      </dialog>
    </>
  );
}
