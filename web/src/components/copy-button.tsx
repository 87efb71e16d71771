import { useEffect, useState } from 'react';

const shownMs = 2000;

/**
 * Copies `text` to the clipboard and says so next to the button ("Copied", read out by screen
 * readers); where the browser refuses (no permission, not a secure page) it says to copy by hand.
 */
export function CopyButton({ text, what }: { text: string; what: string }) {
  const [outcome, setOutcome] = useState<'copied' | 'refused' | undefined>();
  useEffect(() => {
    if (outcome !== 'copied') return;
    const timer = window.setTimeout(() => setOutcome(undefined), shownMs);
    return () => window.clearTimeout(timer);
  }, [outcome]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setOutcome('copied');
    } catch {
      setOutcome('refused');
    }
  };
  return (
    <span className="copy-control">
      <button type="button" className="button subtle" onClick={() => void copy()}>
        Copy {what}
      </button>
      <span role="status" className={outcome === 'refused' ? 'small tone-bad' : 'small muted'}>
        {outcome === 'copied' ? 'Copied' : outcome === 'refused' ? 'The browser did not allow copying: select the text and copy it' : ''}
      </span>
    </span>
  );
}
