import { useEffect, useState } from 'react';
import { api } from '../../api/api-client.ts';
import { ApiError } from '../../api/api-error.ts';
import type { OperationDetail, OperationStatus } from '../../../../src/server/api-types.ts';
import { useOffline } from '../../live/live-events-provider.tsx';
import { useRoleAtLeast } from '../../session/session-provider.tsx';
import { ErrorNotice } from '../error-notice.tsx';

const retryable = new Set(['failed', 'cancelled', 'rejected']);

/** The next step after a failure: say what to do differently, and start again with it. */
export function RetryWithFeedback({ operation }: { operation: OperationDetail }) {
  const isTeamLead = useRoleAtLeast('team-lead');
  const offline = useOffline();
  const [feedback, setFeedback] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  const [started, setStarted] = useState<string | undefined>();
  // The answer belongs to the failure it was given on: once the operation has failed again, it goes.
  useEffect(() => {
    if (retryable.has(operation.status)) setStarted((current) => (current === operation.status ? current : undefined));
  }, [operation.status]);
  if (!isTeamLead || (!retryable.has(operation.status) && !started)) return null;

  const retry = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const answer = await api.post<OperationStatus>(`/api/operations/${operation.id}/retry`, { feedback: feedback.trim() });
      setFeedback('');
      setStarted(answer.status);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : new ApiError(0, 'error', String(caught)));
    } finally {
      setBusy(false);
    }
  };
  if (started) {
    return (
      <p className="notice notice-good" role="status" data-testid="retry-started">
        Started again: the planner and the coder of the next attempt read your feedback.
      </p>
    );
  }
  return (
    <form
      className="retry-feedback"
      onSubmit={(event) => {
        event.preventDefault();
        void retry();
      }}
    >
      <h3 id="retry-feedback-heading">Next step</h3>
      <label>
        What should the next attempt do differently?
        <textarea name="feedback" rows={3} maxLength={10_000} value={feedback} onChange={(event) => setFeedback(event.target.value)} />
      </label>
      <ErrorNotice error={error} title="Not retried" />
      <div className="button-row">
        {/* A retry without feedback is the Retry of the actions above. */}
        <button type="submit" className="button primary" disabled={busy || offline || !feedback.trim()}>
          {busy ? 'Retrying…' : 'Retry with feedback'}
        </button>
      </div>
    </form>
  );
}
