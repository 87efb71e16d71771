import { useLive } from '../live/live-events-provider.tsx';

/** A lost live connection says so across the page until it is back. */
export function ConnectionBanner() {
  const { connection } = useLive();
  if (connection !== 'reconnecting') return null;
  return (
    <div className="reconnect-banner" role="alert">
      The live connection to Mender was lost. Reconnecting… (pages update again by themselves once it is back)
    </div>
  );
}
