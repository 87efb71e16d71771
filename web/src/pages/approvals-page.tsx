import { api } from '../api/api-client.ts';
import { RelativeTime } from '../components/relative-time.tsx';
import type { ApprovalQueue } from '../../../src/server/api-types.ts';
import { useLiveResource } from '../live/use-live-resource.ts';
import { Link } from '../routing/link.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { ErrorNotice } from '../components/error-notice.tsx';
import { Loading } from '../components/loading.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { LevelBadge } from '../components/level-badge.tsx';
import { StatusBadge } from '../components/status-badge.tsx';

/** Everything waiting for a person, oldest first, with the level each needs. */
export function ApprovalsPage() {
  const { data, error, loading, reload } = useLiveResource(
    () => api.get<ApprovalQueue>('/api/approvals'),
    'approvals',
    (event) => event.operationId !== null,
  );
  const approvals = data?.approvals ?? [];
  return (
    <section>
      <PageHeader title="Approvals" subtitle={data ? `${approvals.length} waiting, oldest first` : undefined} />
      <ErrorNotice error={error} title="The queue could not be loaded" onRetry={reload} />
      {loading && !data ? <Loading what="the approval queue" /> : null}
      {data && approvals.length === 0 ? <EmptyState>Nothing waits for a decision.</EmptyState> : null}
      <ol className="approval-queue" data-testid="approval-queue">
        {approvals.map((approval) => (
          <li key={`${approval.operationId}:${approval.gate}`} className="card approval-item" data-operation-id={approval.operationId}>
            <div className="approval-head">
              <Link to={`/operations/${approval.operationId}`} className="operation-link">
                {approval.description}
              </Link>
              <LevelBadge level={approval.level} prefix="needs" />
            </div>
            <p className="muted small">
              <strong>{approval.gate}</strong> gate · {approval.type} in {approval.repo} · asked by {approval.requestedBy} · waiting{' '}
              <RelativeTime at={approval.waitingSince} bare /> · <StatusBadge status={approval.status} />
            </p>
            {approval.rule ? (
              <p className="small" data-testid="approval-rule">
                Policy rule <code>{approval.rule}</code>
                {approval.reason ? `: ${approval.reason}` : ''}
              </p>
            ) : null}
            {approval.reasons.length ? (
              <ul className="plain-list small">
                {approval.reasons.map((reason) => (
                  <li key={reason}>{reason}</li>
                ))}
              </ul>
            ) : null}
          </li>
        ))}
      </ol>
    </section>
  );
}
