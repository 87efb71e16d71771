import { useState, type FormEvent } from 'react';
import { api } from '../api/api-client.ts';
import type { AuditPage, AuditVerification } from '../../../src/server/api-types.ts';
import { ApiError } from '../api/api-error.ts';
import { useLiveResource } from '../live/use-live-resource.ts';
import { useQuery, useRouter } from '../routing/router.tsx';
import { absoluteTime } from '../format/time.ts';
import { Link } from '../routing/link.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { ErrorNotice } from '../components/error-notice.tsx';
import { Loading } from '../components/loading.tsx';
import { EmptyState } from '../components/empty-state.tsx';

const pageSize = 100;

/** The audit log, filtered by actor, action and operation, and a check of its hash chain. */
export function AuditPage() {
  const query = useQuery();
  const { navigate } = useRouter();
  const filters = { actor: query.get('actor') ?? '', action: query.get('action') ?? '', operation: query.get('operation') ?? '' };
  const after = Number(query.get('after') ?? 0) || 0;
  const [draft, setDraft] = useState(filters);
  const parameters = new URLSearchParams();
  if (filters.actor) parameters.set('actor', filters.actor);
  if (filters.action) parameters.set('action', filters.action);
  if (filters.operation) parameters.set('operation', filters.operation);
  if (after) parameters.set('after', String(after));
  parameters.set('limit', String(pageSize));
  const { data, error, loading, reload } = useLiveResource(() => api.get<AuditPage>(`/api/audit?${parameters.toString()}`), parameters.toString());
  const [verification, setVerification] = useState<AuditVerification | undefined>();
  const [verifyError, setVerifyError] = useState<ApiError | undefined>();
  const [verifying, setVerifying] = useState(false);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const next = new URLSearchParams();
    for (const [key, value] of Object.entries(draft)) if (value.trim()) next.set(key, value.trim());
    navigate(`/audit${next.size ? `?${next.toString()}` : ''}`, { replace: true });
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
  const older = () => {
    const next = new URLSearchParams(query);
    if (data?.nextAfter) next.set('after', String(data.nextAfter));
    navigate(`/audit?${next.toString()}`);
  };

  return (
    <section>
      <PageHeader title="Audit log" subtitle="Every event, decision and setting change, in a SHA-256 hash chain.">
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
              <div className="small">
                Anchor to keep elsewhere: <code className="break">{`${verification.entries}:${verification.lastHash}`}</code>
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
          <input
            name="action"
            value={draft.action}
            onChange={(event) => setDraft({ ...draft, action: event.target.value })}
            placeholder="e.g. change.approved"
          />
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
      {data?.nextAfter ? (
        <nav className="pager" aria-label="Pages">
          {after ? (
            <button type="button" className="button" onClick={() => navigate('/audit')}>
              First page
            </button>
          ) : null}
          <button type="button" className="button" onClick={older}>
            Next {pageSize}
          </button>
        </nav>
      ) : null}
    </section>
  );
}
