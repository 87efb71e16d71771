import { api } from '../api/api-client.ts';
import { RelativeTime } from './relative-time.tsx';
import type { AgentStatus, TimelineEvent } from '../../../src/server/api-types.ts';
import { useLiveResource } from '../live/use-live-resource.ts';

const isAgentEvent = (event: TimelineEvent) =>
  event.type.startsWith('agent.paused') || event.type.startsWith('agent.resumed') || event.type.startsWith('settings.');

/** On every page while the kill switch is on, and when commands run without a sandbox. */
export function AgentPausedBanner() {
  const { data } = useLiveResource(() => api.get<AgentStatus>('/api/agent'), 'agent', isAgentEvent);
  if (!data) return null;
  return (
    <>
      {data.paused ? (
        <div className="banner banner-bad" role="status" data-testid="paused-banner">
          <strong>Mender is paused</strong> by {data.by ?? 'someone'} <RelativeTime at={data.at} />
          {data.reason ? `: ${data.reason}` : ''}. No step starts until an admin resumes it.
        </div>
      ) : null}
      {data.sandbox === 'off' ? (
        <div className="banner banner-warn" role="status" data-testid="sandbox-warning">
          <strong>The sandbox is off</strong> (MENDER_SANDBOX=off): repositories' tests and builds run without isolation, with network and full file access.
        </div>
      ) : null}
    </>
  );
}
