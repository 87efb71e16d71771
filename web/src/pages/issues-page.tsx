import { api } from '../api/api-client.ts';
import { RelativeTime } from '../components/relative-time.tsx';
import type { IssueList } from '../../../src/server/api-types.ts';
import { useLiveResource } from '../live/use-live-resource.ts';
import { useQuery, useRouter } from '../routing/router.tsx';
import { Link } from '../routing/link.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { ErrorNotice } from '../components/error-notice.tsx';
import { Loading } from '../components/loading.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { DetectionDisabled } from '../components/detection-disabled.tsx';
import { Sparkline } from '../components/sparkline.tsx';

const severities = ['P0', 'P1', 'P2', 'P3', 'P4'];
const statuses = ['detected', 'diagnosing', 'fixing', 'fixed', 'fix_failed', 'failed', 'resolved', 'regressed'];
const severityTones: Record<string, string> = { P0: 'bad', P1: 'bad', P2: 'waiting', P3: 'neutral', P4: 'neutral' };

/** Problems Mender detected in running applications, most severe first, then the latest seen. */
export function IssuesPage() {
  const query = useQuery();
  const { navigate } = useRouter();
  const filters = { status: query.get('status') ?? '', severity: query.get('severity') ?? '' };
  const parameters = new URLSearchParams(Object.entries(filters).filter(([, value]) => value));
  const { data, error, loading, reload } = useLiveResource(
    () => api.get<IssueList>(`/api/issues${parameters.size ? `?${parameters.toString()}` : ''}`),
    parameters.toString(),
    (event) => event.type.startsWith('issue.'),
  );
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(query);
    if (value) next.set(key, value);
    else next.delete(key);
    navigate(`/issues${next.size ? `?${next.toString()}` : ''}`, { replace: true });
  };
  if (error?.status === 404) {
    return (
      <section>
        <PageHeader title="Issues" />
        <DetectionDisabled />
      </section>
    );
  }
  const issues = data?.issues ?? [];
  return (
    <section>
      <PageHeader title="Issues" subtitle="Errors detected in running applications." />
      <form className="filters" role="search" aria-label="Filter issues" onSubmit={(event) => event.preventDefault()}>
        <label className="filter">
          Status
          <select value={filters.status} onChange={(event) => set('status', event.target.value)}>
            <option value="">any</option>
            {statuses.map((status) => (
              <option key={status}>{status}</option>
            ))}
          </select>
        </label>
        <label className="filter">
          Severity
          <select value={filters.severity} onChange={(event) => set('severity', event.target.value)}>
            <option value="">any</option>
            {severities.map((severity) => (
              <option key={severity}>{severity}</option>
            ))}
          </select>
        </label>
      </form>
      <ErrorNotice error={error} title="The issues could not be loaded" onRetry={reload} />
      {loading && !data ? <Loading what="issues" /> : null}
      {data && issues.length === 0 ? <EmptyState>No detected issue matches.</EmptyState> : null}
      <ul className="issue-list">
        {issues.map((issue) => (
          <li key={issue.id} className="card issue-item">
            <div className="approval-head">
              <Link to={`/issues/${issue.id}`} className="operation-link">
                {issue.title}
              </Link>
              <span className={`badge tone-${severityTones[issue.severity] ?? 'neutral'}`} title={issue.severityRule ?? undefined}>
                {issue.severity}
              </span>
            </div>
            {issue.culprit ? <p className="mono small">{issue.culprit}</p> : null}
            <p className="muted small">
              <span className="badge tone-neutral">{issue.status}</span> · {issue.count} events · {issue.counts?.h1 ?? 0} in the last hour · {issue.users ?? 0}{' '}
              users · last seen <RelativeTime at={issue.lastSeen} />
              {issue.repo ? ` · ${issue.repo}` : ''}
              {issue.operations?.length ? ` · ${issue.operations.length} ${issue.operations.length === 1 ? 'operation' : 'operations'}` : ''}
            </p>
            <Sparkline points={issue.histogram ?? []} label={`Events of ${issue.title}`} />
          </li>
        ))}
      </ul>
    </section>
  );
}
