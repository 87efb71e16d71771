import type { AgentSummary } from '../../../src/server/api-types.ts';
import { RelativeTime } from './relative-time.tsx';
import { Link } from '../routing/link.tsx';
import { PauseResumeControl } from './pause-resume-control.tsx';
import { SelfVersionFacts } from './self/self-version-facts.tsx';

const autonomyLabels: Record<number, string> = { 1: '1 · propose only', 2: '2 · low-risk changes merge by themselves', 3: '3 · full autonomy within policy' };

/** The failure share health is judged on, with its window; too few finished operations say so. */
function recentFailuresText(figures: AgentSummary['recentFailures'] | undefined): string {
  if (!figures) return '—';
  const threshold = `health warns above ${Math.round(figures.threshold * 100)}%`;
  if (figures.rate === null) return `${figures.finished} finished so far; judged from ${figures.minimum} (${threshold})`;
  return `${figures.failed} of the last ${figures.finished} finished failed (${Math.round(figures.rate * 100)}%; ${threshold})`;
}

export function AgentStatusCard({ agent }: { agent: AgentSummary }) {
  return (
    <div className="card" data-testid="agent-status">
      <h2>Agent</h2>
      <dl className="facts">
        <dt>State</dt>
        <dd>
          {agent.paused ? (
            <span className="badge tone-bad" data-testid="agent-state">
              paused
            </span>
          ) : (
            <span className="badge tone-good" data-testid="agent-state">
              running
            </span>
          )}
          {agent.paused ? (
            <span className="muted">
              {' '}
              by {agent.pausedBy ?? 'someone'} <RelativeTime at={agent.pausedAt} />
              {agent.reason ? ` — ${agent.reason}` : ''}
            </span>
          ) : null}
        </dd>
        <dt>Health</dt>
        <dd>
          <span className={`badge tone-${agent.health === 'ok' ? 'good' : 'waiting'}`}>{agent.health}</span>
          {agent.healthReasons?.length ? (
            <ul className="plain-list small">
              {agent.healthReasons.map((reason) => (
                <li key={reason}>{reason}</li>
              ))}
            </ul>
          ) : null}
        </dd>
        <dt>Recent failures</dt>
        <dd data-testid="recent-failures">{recentFailuresText(agent.recentFailures)}</dd>
        <dt>Autonomy</dt>
        <dd>{autonomyLabels[agent.autonomyLevel] ?? String(agent.autonomyLevel)}</dd>
        <dt>Sandbox</dt>
        <dd>{agent.sandbox === 'off' ? <span className="badge tone-bad">off — commands run without isolation</span> : agent.sandbox}</dd>
        <SelfVersionFacts />
        <dt>Last action</dt>
        <dd>
          {agent.lastAction ? (
            <>
              <RelativeTime at={agent.lastAction.at} />: {agent.lastAction.summary || agent.lastAction.type}
              {agent.lastAction.operationId ? (
                <>
                  {' '}
                  (<Link to={`/operations/${agent.lastAction.operationId}`}>{agent.lastAction.operationId}</Link>)
                </>
              ) : null}
            </>
          ) : (
            <span className="muted">nothing yet</span>
          )}
        </dd>
      </dl>
      <div className="button-row">
        <PauseResumeControl paused={agent.paused} />
      </div>
    </div>
  );
}
