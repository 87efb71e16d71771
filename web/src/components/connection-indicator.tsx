import { useLive } from '../live/live-events-provider.tsx';

const labels = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…' };

/** Whether live updates are flowing: a dot and a word in the top bar. */
export function ConnectionIndicator() {
  const { connection } = useLive();
  return (
    <span className={`connection connection-${connection}`} role="status" aria-live="polite" data-connection={connection}>
      <span className="connection-dot" aria-hidden="true" />
      {labels[connection]}
    </span>
  );
}
