import { shortCommit } from '../format/deployment.ts';
import { slotLabel } from '../format/self-update.ts';
import { PageHeader } from '../components/page-header.tsx';
import { ErrorNotice } from '../components/error-notice.tsx';
import { Loading } from '../components/loading.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { Link } from '../routing/link.tsx';
import { ProbationProgress } from '../components/self/probation-progress.tsx';
import { SelfPhaseBadge } from '../components/self/self-phase-badge.tsx';
import { SelfUpdateTable } from '../components/self/self-update-table.tsx';
import { useSelf } from '../components/self/use-self.ts';

/** Mender updating itself: the versions, the update in flight with its probation, and the history. */
export function SelfUpdatesPage() {
  const { data, error, loading } = useSelf();
  const state = data?.state ?? undefined;
  return (
    <section>
      <PageHeader title="Self-updates" subtitle="Mender's own merged changes, switched to under its supervisor and kept or reverted." />
      <ErrorNotice error={error} title="The self-updates could not be loaded" />
      {loading && !data ? <Loading what="the self-updates" /> : null}
      {data ? (
        <p data-testid="self-summary" className={data.supervised ? undefined : 'muted'}>
          {data.summary}
        </p>
      ) : null}
      {state ? (
        <div className="grid two">
          <div className="card" data-testid="self-versions">
            <h2>Versions</h2>
            <dl className="facts">
              <dt>Running</dt>
              <dd>
                <span className="mono">{shortCommit(state.active.commit)}</span> <span className="muted">from {slotLabel(state.active)}</span>
              </dd>
              <dt>Previous</dt>
              <dd>
                {state.previous ? (
                  <>
                    <span className="mono">{shortCommit(state.previous.commit)}</span> <span className="muted">from {slotLabel(state.previous)}</span>
                  </>
                ) : (
                  <span className="muted">none</span>
                )}
              </dd>
              <dt>Repository</dt>
              <dd>{data?.repo ?? <span className="muted">not enabled: an admin runs `mender self enable`</span>}</dd>
            </dl>
          </div>
          <div className="card" data-testid="self-current">
            <h2>In flight</h2>
            {state.current ? (
              <dl className="facts">
                <dt>Phase</dt>
                <dd>
                  <SelfPhaseBadge phase={state.current.phase} /> to <span className="mono">{shortCommit(state.current.commit)}</span>{' '}
                  <span className="muted">in {slotLabel(state.current)}</span>
                </dd>
                <dt>Operation</dt>
                <dd>
                  {state.current.operationId ? (
                    <Link to={`/operations/${state.current.operationId}`}>{state.current.operationId}</Link>
                  ) : (
                    <span className="muted">asked by {state.current.requestedBy}</span>
                  )}
                </dd>
                {state.current.phase === 'probation' ? (
                  <>
                    <dt>Probation</dt>
                    <dd>
                      <ProbationProgress update={state.current} />
                    </dd>
                  </>
                ) : null}
              </dl>
            ) : (
              <p className="muted">No update in flight.</p>
            )}
          </div>
        </div>
      ) : null}
      {state ? (
        <section aria-labelledby="self-history">
          <h2 id="self-history">History</h2>
          {state.history.length ? <SelfUpdateTable updates={state.history} /> : <EmptyState>No self-update has finished yet.</EmptyState>}
        </section>
      ) : null}
    </section>
  );
}
