import { useMemo } from 'react';
import { api } from '../api/api-client.ts';
import { activeDeploymentStatuses, type DeploymentDetailView, type DeploymentStatus } from '../../../src/domain/deployment-vocabulary.ts';
import type { TimelineEvent } from '../../../src/server/api-types.ts';
import { shortCommit } from '../format/deployment.ts';
import { useLiveResource } from '../live/use-live-resource.ts';
import { Link } from '../routing/link.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { ErrorNotice } from '../components/error-notice.tsx';
import { Loading } from '../components/loading.tsx';
import { RelativeTime } from '../components/relative-time.tsx';
import { OperationTimeline } from '../components/operation-timeline.tsx';
import { DeploymentStatusBadge } from '../components/deployment/deployment-status-badge.tsx';
import { TrafficShare } from '../components/deployment/traffic-share.tsx';
import { DeploymentActions } from '../components/deployment/deployment-actions.tsx';
import { DeploymentCharts } from '../components/deployment/deployment-charts.tsx';
import { DeploymentVerdict } from '../components/deployment/deployment-verdict.tsx';
import { DeploymentPlanView } from '../components/deployment/deployment-plan-view.tsx';

/** One deployment: status, traffic, the latest verdict and its figures, the charts per interval, the plan, the timeline and the actions. */
export function DeploymentDetailPage({ id }: { id: string }) {
  const {
    data: deployment,
    error,
    loading,
    reload,
  } = useLiveResource(
    () => api.get<DeploymentDetailView>(`/api/deployments/${encodeURIComponent(id)}`),
    id,
    (event) => event.type.startsWith('deployment.') && event.data?.deploymentId === id,
  );
  // The deployment's events are on the shared event shape (its operation's timeline when it has one).
  const timeline = useMemo<TimelineEvent[]>(
    () => (deployment?.timeline ?? []).map((event) => ({ ...event, operationId: deployment?.operationId ?? null })),
    [deployment?.timeline, deployment?.operationId],
  );

  if (error && !deployment) {
    return (
      <section>
        <PageHeader title="Deployment" />
        <ErrorNotice error={error} title={error.status === 404 ? 'Not found' : 'The deployment could not be loaded'} />
        <p>
          <Link to="/deployments">All deployments</Link>
        </p>
      </section>
    );
  }
  if (loading || !deployment) return <Loading what="the deployment" />;
  const live = activeDeploymentStatuses.has(deployment.status as DeploymentStatus);
  return (
    <section className="deployment-detail" data-deployment-id={deployment.id}>
      <PageHeader
        title={`${deployment.repo} ${shortCommit(deployment.commit)} → ${deployment.environment}`}
        subtitle={
          <>
            <span className="mono">{deployment.id}</span> · {deployment.target} target · by {deployment.createdBy} · <RelativeTime at={deployment.createdAt} />
          </>
        }
      />
      <div className="status-line">
        <DeploymentStatusBadge status={deployment.status} paused={deployment.paused} />
        <span className="muted small">
          new release on <TrafficShare percent={deployment.trafficPercent} /> of traffic
          {deployment.canaryStartedAt ? (
            <>
              {' '}
              · canary since <RelativeTime at={deployment.canaryStartedAt} />
            </>
          ) : null}
          {deployment.finishedAt ? (
            <>
              {' '}
              · ended <RelativeTime at={deployment.finishedAt} />
            </>
          ) : null}
        </span>
      </div>
      {deployment.reason ? (
        <div className={`notice ${['rolled_back', 'failed'].includes(deployment.status) ? 'notice-bad' : ''}`} role="status" data-testid="deployment-reason">
          <strong>Why:</strong> {deployment.reason}
        </div>
      ) : null}
      {deployment.approval ? (
        <p className="small" data-testid="deployment-approval">
          Needs <strong>{deployment.approval.level}</strong> at the {deployment.approval.gate} gate, by policy rule <code>{deployment.approval.rule}</code>:{' '}
          {deployment.approval.reason}
        </p>
      ) : null}
      <DeploymentActions deploymentId={deployment.id} actions={deployment.actions} onDone={reload} />
      <section className="card" aria-labelledby="verdict-heading">
        <h2 id="verdict-heading">Latest verdict</h2>
        <DeploymentVerdict verdict={deployment.latestVerdict} />
      </section>
      <section aria-labelledby="charts-heading">
        <h2 id="charts-heading">New vs stable, per interval</h2>
        <DeploymentCharts intervals={deployment.intervals} />
      </section>
      <div className="detail-grid">
        <OperationTimeline events={timeline} live={live} />
        <div className="side-column">
          <section className="card" aria-labelledby="plan-heading">
            <h2 id="plan-heading">Plan</h2>
            <DeploymentPlanView plan={deployment.plan} />
          </section>
          <section className="card" aria-labelledby="release-heading">
            <h2 id="release-heading">Releases</h2>
            <dl className="facts small" data-testid="deployment-links">
              <dt>New</dt>
              <dd className="mono">{deployment.commit}</dd>
              <dt>Stable</dt>
              <dd className="mono">{deployment.previousCommit ?? '— (first release here)'}</dd>
              <dt>Operation</dt>
              <dd>{deployment.operationId ? <Link to={`/operations/${deployment.operationId}`}>{deployment.operationId}</Link> : '—'}</dd>
              <dt>Repository</dt>
              <dd>
                <Link to={`/deployments?repo=${encodeURIComponent(deployment.repo)}`}>All deployments of {deployment.repo}</Link>
              </dd>
            </dl>
          </section>
        </div>
      </div>
      {deployment.outputTail ? (
        <section className="card" aria-labelledby="output-heading">
          <h2 id="output-heading">Output of the release</h2>
          <pre className="code-block">{deployment.outputTail}</pre>
        </section>
      ) : null}
    </section>
  );
}
