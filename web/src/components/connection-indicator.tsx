import { useLive } from '../live/live-events-provider.tsx';

const labels = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…' };

/** Whether live updates are flowing; a lost connection shows itself here and in a banner. */
export function ConnectionIndicator() {
  const { connection } = useLive();
  return (
    <>
      <span className={`connection connection-${connection}`} role="status" aria-live="polite" data-connection={connection}>
        <span className="connection-dot" aria-hidden="true" />
        {labels[connection]}
      </span>
      {connection === 'reconnecting' ? (
        <div className="reconnect-banner" role="alert">
          The live connection to Mender was lost. Reconnecting… (pages update again by themselves once it is back)
        </div>
      ) : null}
    </>
  );
}
