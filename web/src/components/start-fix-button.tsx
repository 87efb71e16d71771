import { useState } from 'react';
import { api } from '../api/api-client.ts';
import { ApiError } from '../api/api-error.ts';
import type { StartedIssueFix } from '../../../src/server/api-types.ts';
import { useRoleAtLeast } from '../session/session-provider.tsx';
import { Link } from '../routing/link.tsx';
import { ErrorNotice } from './error-notice.tsx';

/**
 * Team leads start the fix of an issue by hand ("Retry fix" after the last operation gave up), on
 * the detector's own path; the server refuses while an operation is at work. After a start, a
 * link to the new operation.
 */
export function StartFixButton({ issueId, action }: { issueId: string; action: 'start' | 'retry' | null }) {
  const mayStart = useRoleAtLeast('team-lead');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  const [started, setStarted] = useState<string | undefined>();
  if (!mayStart) return null;
  const start = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setStarted((await api.post<StartedIssueFix>(`/api/issues/${encodeURIComponent(issueId)}/fix`, {})).operationId);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : new ApiError(0, 'error', String(caught)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      {action ? (
        <button type="button" className="button primary" onClick={() => void start()} disabled={busy}>
          {busy ? 'Starting…' : action === 'retry' ? 'Retry fix' : 'Start fix'}
        </button>
      ) : null}
      {started ? (
        <p className="notice small" role="status">
          Fix started: <Link to={`/operations/${started}`}>operation {started}</Link>
        </p>
      ) : null}
      <ErrorNotice error={error} title="The fix could not be started" />
    </>
  );
}
