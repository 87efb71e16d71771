import { useId, useState } from 'react';

const shortLength = 800;

/** A block of output: the start of a long one, with a toggle for the whole. */
export function LongText({ text, testId }: { text: string; testId?: string }) {
  const [all, setAll] = useState(false);
  const id = useId();
  const long = text.length > shortLength;
  return (
    <>
      <pre className="code-block small" id={id} data-testid={testId}>
        {long && !all ? `${text.slice(0, shortLength)}…` : text}
      </pre>
      {long ? (
        <button type="button" className="button tool-call-toggle" aria-expanded={all} aria-controls={id} onClick={() => setAll((shown) => !shown)}>
          {all ? 'Show less' : `Show all (${text.length.toLocaleString()} characters)`}
        </button>
      ) : null}
    </>
  );
}
