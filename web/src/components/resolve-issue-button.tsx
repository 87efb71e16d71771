import { useState } from 'react';
import { api } from '../api/api-client.ts';
import { ApiError } from '../api/api-error.ts';
import { useRoleAtLeast } from '../session/session-provider.tsx';
import { ErrorNotice } from './error-notice.tsx';

/** Team leads close an issue by hand; a newer release that sends it again reopens it as regressed. */
export function ResolveIssueButton({ issueId, status }: { issueId: string; status: string }) {
  const mayResolve = useRoleAtLeast('team-lead');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  if (!mayResolve || status === 'resolved') return null;
  const resolve = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api.post(`/api/issues/${encodeURIComponent(issueId)}/resolve`, {});
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : new ApiError(0, 'error', String(caught)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" className="button" onClick={() => void resolve()} disabled={busy}>
        {busy ? 'Resolving…' : 'Mark resolved'}
      </button>
      <ErrorNotice error={error} />
    </>
  );
}
