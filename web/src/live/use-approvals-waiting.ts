import { api } from '../api/api-client.ts';
import type { ApprovalQueue } from '../../../src/server/api-types.ts';
import { useLiveResource } from './use-live-resource.ts';

/** How many gates the signed-in person may decide now, kept current by the live events (undefined until loaded). */
export function useApprovalsWaiting(): number | undefined {
  const { data } = useLiveResource(
    () => api.get<ApprovalQueue>('/api/approvals'),
    'approvals-waiting',
    // Gates open and close on operation events only.
    (event) => event.operationId !== null,
  );
  return data?.waitingForYou;
}
