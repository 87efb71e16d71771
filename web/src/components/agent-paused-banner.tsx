import { RelativeTime } from './relative-time.tsx';
import { useAgentStatus } from '../live/use-agent-pause.ts';

/** On every page while the kill switch is on, and when commands run without a sandbox. */
export function AgentPausedBanner() {
  const data = useAgentStatus();
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
