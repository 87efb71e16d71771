import type { OperationDetail } from '../../../src/server/api-types.ts';
import { Link } from '../routing/link.tsx';

const short = (commit: string | null | undefined) => (commit ? commit.slice(0, 10) : '—');

/** Branch, change request or pull request, commits, the issue it fixes and the operation this one rolls back. */
export function OperationLinks({ operation }: { operation: OperationDetail }) {
  const changeRequest = operation.changeRequest;
  // The detector's operations (its own and those a person started from the issue page) name their issue.
  const issueId = operation.source === 'detector' && typeof operation.errorContext?.issueId === 'string' ? operation.errorContext.issueId : undefined;
  return (
    <dl className="facts small" data-testid="links">
      <dt>Branch</dt>
      <dd className="mono">{operation.branch ?? '—'}</dd>
      <dt>Change request</dt>
      <dd>
        {changeRequest ? (
          <>
            {changeRequest.url ? (
              <a href={changeRequest.url} rel="noopener noreferrer" target="_blank">
                {changeRequest.title}
              </a>
            ) : (
              <span>{changeRequest.title}</span>
            )}{' '}
            <span className="badge tone-neutral">{changeRequest.status}</span>
            <div className="muted mono">local forge · {changeRequest.id}</div>
          </>
        ) : (
          '—'
        )}
      </dd>
      <dt>Commits</dt>
      <dd className="mono">
        base {short(operation.baseCommit)} · head {short(operation.headCommit)}
        {operation.mergeCommit ? ` · merged ${short(operation.mergeCommit)}` : ''}
      </dd>
      {issueId ? (
        <>
          <dt>Issue</dt>
          <dd>
            <Link to={`/issues/${issueId}`}>issue {issueId}</Link>
          </dd>
        </>
      ) : null}
      {operation.rollbackOf ? (
        <>
          <dt>Rolls back</dt>
          <dd>
            <Link to={`/operations/${operation.rollbackOf}`}>{operation.rollbackOf}</Link>
          </dd>
        </>
      ) : null}
      {operation.artifacts.length ? (
        <>
          <dt>Artifacts</dt>
          <dd>
            <ul className="plain-list">
              {operation.artifacts.map((artifact) => (
                <li key={artifact.id}>
                  <a href={`/api/operations/${operation.id}/artifacts/${artifact.id}`} target="_blank" rel="noopener">
                    {artifact.name}
                  </a>
                </li>
              ))}
            </ul>
          </dd>
        </>
      ) : null}
    </dl>
  );
}
