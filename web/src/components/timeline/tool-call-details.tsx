import { useId, useState } from 'react';
import type { TimelineEvent } from '../../../../src/server/api-types.ts';
import { LongText } from './long-text.tsx';

function argumentsText(input: unknown): string {
  if (input === undefined || input === null) return '(none)';
  if (typeof input === 'object' && Object.keys(input).length === 0) return '(none)';
  return typeof input === 'string' ? input : JSON.stringify(input, null, 2);
}

/** A tool call on the timeline, opened: the arguments it was called with and what came back. */
export function ToolCallDetails({ event }: { event: TimelineEvent }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const data = event.data ?? {};
  // Tool calls recorded before results were kept have none to show.
  const result = typeof data.result === 'string' ? data.result : undefined;
  return (
    <div className="tool-call-details" data-testid="tool-call-details">
      <button type="button" className="button tool-call-toggle" aria-expanded={open} aria-controls={id} onClick={() => setOpen((shown) => !shown)}>
        Arguments and result<span className="visually-hidden"> of {String(data.tool)}</span>
      </button>
      <div id={id} hidden={!open}>
        {open ? (
          <>
            <h4>Arguments</h4>
            <LongText text={argumentsText(data.input)} testId="tool-call-arguments" />
            <h4>{data.ok === false ? 'Error' : 'Result'}</h4>
            {result === undefined ? (
              <p className="muted small">Not recorded for this call.</p>
            ) : (
              <LongText text={result || '(empty)'} testId="tool-call-result" />
            )}
          </>
        ) : null}
      </div>
    </div>
  );
}
