import { shortCommit } from '../../format/deployment.ts';
import { slotLabel } from '../../format/self-update.ts';
import { Link } from '../../routing/link.tsx';
import { ProbationProgress } from './probation-progress.tsx';
import { SelfPhaseBadge } from './self-phase-badge.tsx';
import { useSelf } from './use-self.ts';

/**
 * The agent card's lines about the running version when a supervisor runs Mender (issue 17): the
 * commit and slot, and the update in flight with its probation. Nothing without a supervisor.
 */
export function SelfVersionFacts() {
  const { data } = useSelf();
  const state = data?.state;
  if (!data?.supervised || !state) return null;
  return (
    <>
      <dt>Version</dt>
      <dd data-testid="self-version">
        <span className="mono">{shortCommit(state.active.commit)}</span> <span className="muted">from {slotLabel(state.active)}</span>
        {state.current ? null : (
          <span className="muted">
            {' '}
            · <Link to="/self-updates">self-updates</Link>
          </span>
        )}
      </dd>
      {state.current ? (
        <>
          <dt>Self-update</dt>
          <dd data-testid="self-update">
            <SelfPhaseBadge phase={state.current.phase} /> to <span className="mono">{shortCommit(state.current.commit)}</span>{' '}
            <Link to="/self-updates">details</Link>
            {state.current.phase === 'probation' ? <ProbationProgress update={state.current} /> : null}
          </dd>
        </>
      ) : null}
    </>
  );
}
