import { useEffect } from 'react';
import { api } from '../../api/api-client.ts';
import type { SelfView } from '../../../../src/server/api-types.ts';
import { useLiveResource } from '../../live/use-live-resource.ts';

// While an update is in flight its probation moves without an event (healthy since, time left).
const inFlightRefreshMs = 5_000;

/**
 * `GET /api/self`, loaded again on the supervisor's `self_update.*` events and the agent's, and
 * every few seconds while an update is in flight.
 */
export function useSelf() {
  const resource = useLiveResource(
    () => api.get<SelfView>('/api/self'),
    'self',
    (event) => event.type.startsWith('self_update.') || event.type.startsWith('agent.'),
  );
  const inFlight = !!resource.data?.state?.current;
  const { reload } = resource;
  useEffect(() => {
    if (!inFlight) return;
    const timer = window.setInterval(reload, inFlightRefreshMs);
    return () => window.clearInterval(timer);
  }, [inFlight, reload]);
  return resource;
}
