import { useState, type FormEvent } from 'react';
import { api } from '../api/api-client.ts';
import type { AuditActionList, AuditPage, AuditVerification } from '../../../src/server/api-types.ts';
import { ApiError } from '../api/api-error.ts';
import { useLiveResource } from '../live/use-live-resource.ts';
import { useQuery, useRouter } from '../routing/router.tsx';
import { absoluteTime } from '../format/time.ts';
import { Link } from '../routing/link.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { ErrorNotice } from '../components/error-notice.tsx';
import { Loading } from '../components/loading.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { CopyButton } from '../components/copy-button.tsx';

const pageSize = 100;
// Each tool and model call of every operation is audited: many rows, rarely what a person looks for.
const callActions = ['tool.called', 'model.called'];

/** The filters as the page's URL holds them (the defaults left out), and as the API takes them. */
function auditFilters(query: URLSearchParams) {
  const filters = { actor: query.get('actor') ?? '', action: query.get('action') ?? '', operation: query.get('operation') ?? '' };
  const calls = query.get('calls') === 'shown';
  const api = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) api.set(key, value);
  if (!calls && !filters.action) api.set('exclude', callActions.join(','));
  return { filters, calls, oldestFirst: query.get('order') === 'oldest', api };
}

/** The audit log, newest first, filtered by actor, action and operation; a check of its hash chain; an export. */
export function AuditPage() {
  const query = useQuery();
  const { navigate } = useRouter();
  const { filters, calls, oldestFirst, api: filterParameters } = auditFilters(query);
  const cursor = Number(query.get('from') ?? 0) || 0;
  const [draft, setDraft] = useState(filters);
  const parameters = new URLSearchParams(filterParameters);
  if (oldestFirst) parameters.set('order', 'oldest');
  else parameters.set('order', 'newest');
  if (cursor) parameters.set(oldestFirst ? 'after' : 'before', String(cursor));
  parameters.set('limit', String(pageSize));
  const { data, error, loading, reload } = useLiveResource(() => api.get<AuditPage>(`/api/audit?${parameters.toString()}`), parameters.toString());
  const { data: actionList } = useLiveResource(() => api.get<AuditActionList>('/api/audit/actions'), 'audit-actions');
  const [verification, setVerification] = useState<AuditVerification | undefined>();
  const [verifyError, setVerifyError] = useState<ApiError | undefined>();
  const [verifying, setVerifying] = useState(false);

  // Every change of filter or order starts again at the first page.
  const show = (next: { filters?: typeof filters; calls?: boolean; oldestFirst?: boolean }) => {
    const url = new URLSearchParams();
    for (const [key, value] of Object.entries(next.filters ?? filters)) if (value.trim()) url.set(key, value.trim());
    if (next.calls ?? calls) url.set('calls', 'shown');
    if (next.oldestFirst ?? oldestFirst) url.set('order', 'oldest');
    navigate(`/audit${url.size ? `?${url.toString()}` : ''}`, { replace: true });
  };
  const apply = (event: FormEvent) => {
    event.preventDefault();
    show({ filters: draft });
  };
  const verify = async () => {
    setVerifying(true);
    setVerifyError(undefined);
    try {
      setVerification(await api.get<AuditVerification>('/api/audit/verify'));
    } catch (caught) {
      setVerifyError(caught instanceof ApiError ? caught : new ApiError(0, 'error', String(caught)));
    } finally {
      setVerifying(false);
    }
  };
  const nextCursor = oldestFirst ? data?.nextAfter : data?.nextBefore;
  const nextPage = () => {
    const next = new URLSearchParams(query);
    if (nextCursor) next.set('from', String(nextCursor));
    navigate(`/audit?${next.toString()}`);
  };
  const firstPage = () => {
    const next = new URLSearchParams(query);
    next.delete('from');
    navigate(`/audit${next.size ? `?${next.toString()}` : ''}`);
  };

  return (
    <section>
      <PageHeader title="Audit log" subtitle="Every event, decision and setting change, in a SHA-256 hash chain.">
        {/* A download of the rows the filters match, oldest first, as JSON lines (what `mender audit export` writes). */}
        <a className="button" href={`/api/audit/export${filterParameters.size ? `?${filterParameters.toString()}` : ''}`} download data-testid="audit-export">
          Export
        </a>
        <button type="button" className="button primary" onClick={() => void verify()} disabled={verifying}>
          {verifying ? 'Verifying…' : 'Verify chain'}
        </button>
      </PageHeader>
      <ErrorNotice error={verifyError} title="Verification failed to run" />
      {verification ? (
        verification.ok ? (
          <div className="notice notice-good" role="status" data-testid="verify-result">
            <strong>The chain is intact:</strong> {verification.entries} entries, each linked to the one before.
            {verification.lastHash ? (
              <div className="small anchor-line">
                Anchor to keep elsewhere: <code className="break">{`${verification.entries}:${verification.lastHash}`}</code>{' '}
                <CopyButton text={`${verification.entries}:${verification.lastHash}`} what="anchor" />
              </div>
            ) : null}
          </div>
        ) : (
          <div className="notice notice-bad" role="alert" data-testid="verify-result">
            <strong>The chain is broken at #{verification.brokenAt}</strong> ({verification.kind}): {verification.reason}
          </div>
        )
      ) : null}
      <form className="filters" onSubmit={apply} role="search" aria-label="Filter the audit log">
        <label className="filter">
          Actor
          <input name="actor" value={draft.actor} onChange={(event) => setDraft({ ...draft, actor: event.target.value })} placeholder="e.g. lee" />
        </label>
        <label className="filter">
          Action
          <select name="action" value={draft.action} onChange={(event) => setDraft({ ...draft, action: event.target.value })}>
            <option value="">Any action</option>
            {/* A filter from the address bar may name an action with no rows yet. */}
            {draft.action && !actionList?.actions.some((entry) => entry.action === draft.action) ? <option value={draft.action}>{draft.action}</option> : null}
            {actionList?.actions.map((entry) => (
              <option key={entry.action} value={entry.action}>
                {entry.action} ({entry.count})
              </option>
            ))}
          </select>
        </label>
        <label className="filter">
          Operation
          <input
            name="operation"
            value={draft.operation}
            onChange={(event) => setDraft({ ...draft, operation: event.target.value })}
            placeholder="operation id"
          />
        </label>
        <button type="submit" className="button">
          Filter
        </button>
        <label className="filter">
          Order
          <select name="order" value={oldestFirst ? 'oldest' : 'newest'} onChange={(event) => show({ oldestFirst: event.target.value === 'oldest' })}>
            <option value="newest">Newest first</option>
            <option value="oldest">Oldest first</option>
          </select>
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={calls || !!filters.action} disabled={!!filters.action} onChange={(event) => show({ calls: event.target.checked })} />{' '}
          Tool and model calls
        </label>
      </form>
      <ErrorNotice error={error} title="The audit log could not be loaded" onRetry={reload} />
      {loading && !data ? <Loading what="the audit log" /> : null}
      {data && data.entries.length === 0 ? <EmptyState>No audit entries match.</EmptyState> : null}
      {data && data.entries.length > 0 ? (
        <div className="table-scroll">
          <table className="responsive-table audit-table" data-testid="audit-table">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Time</th>
                <th scope="col">Actor</th>
                <th scope="col">Action</th>
                <th scope="col">Subject</th>
                <th scope="col">Details</th>
                <th scope="col">Hash</th>
              </tr>
            </thead>
            <tbody>
              {data.entries.map((entry) => (
                <tr key={entry.sequence}>
                  <td data-label="#">{entry.sequence}</td>
                  <td data-label="Time">{absoluteTime(entry.at)}</td>
                  <td data-label="Actor">{entry.actor}</td>
                  <td data-label="Action" className="mono">
                    {entry.action}
                  </td>
                  <td data-label="Subject" className="mono">
                    {entry.subject.startsWith('operation:') ? (
                      <Link to={`/operations/${entry.subject.slice('operation:'.length)}`}>{entry.subject}</Link>
                    ) : (
                      entry.subject
                    )}
                  </td>
                  <td data-label="Details">
                    <details>
                      <summary className="small">{Object.keys(entry.details).slice(0, 4).join(', ') || 'none'}</summary>
                      <pre className="code-block small">{JSON.stringify(entry.details, null, 2)}</pre>
                    </details>
                  </td>
                  <td data-label="Hash" className="mono small" title={entry.hash}>
                    {entry.hash.slice(0, 12)}…
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {nextCursor || cursor ? (
        <nav className="pager" aria-label="Pages">
          {cursor ? (
            <button type="button" className="button" onClick={firstPage}>
              {oldestFirst ? 'Oldest' : 'Newest'} {pageSize}
            </button>
          ) : null}
          {nextCursor ? (
            <button type="button" className="button" onClick={nextPage}>
              {oldestFirst ? 'Newer' : 'Older'} {pageSize}
            </button>
          ) : null}
        </nav>
      ) : null}
    </section>
  );
}
