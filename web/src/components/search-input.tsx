import { useEffect, useRef, useState } from 'react';

/** How long typing may pause before the search is sent: one request per word, not per key. */
const debounceMs = 300;

/**
 * A search box that reports its text once typing pauses (Enter sends at once) and follows the
 * value it is given (a link, Back, "Clear filters") unless the person is typing.
 */
export function SearchInput({ label, value, maxLength, onSearch }: { label: string; value: string; maxLength: number; onSearch(text: string): void }) {
  const [text, setText] = useState(value);
  const sent = useRef(value);
  // The latest callback, so a parent's re-render (a live event) does not restart the pause.
  const report = useRef(onSearch);
  report.current = onSearch;
  useEffect(() => {
    sent.current = value;
    setText(value);
  }, [value]);
  useEffect(() => {
    if (text === sent.current) return undefined;
    const timer = window.setTimeout(() => {
      sent.current = text;
      report.current(text);
    }, debounceMs);
    return () => window.clearTimeout(timer);
  }, [text]);
  return (
    <label className="filter filter-search">
      {label}
      <input
        type="search"
        name="q"
        value={text}
        maxLength={maxLength}
        placeholder="Title, id or branch"
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key !== 'Enter') return;
          sent.current = text;
          onSearch(text);
        }}
      />
    </label>
  );
}
