import { useState } from 'react';
import { api } from '../api/api-client.ts';
import { ApiError } from '../api/api-error.ts';
import { useRoleAtLeast } from '../session/session-provider.tsx';
import { ConfirmDialog } from './confirm-dialog.tsx';
import { ErrorNotice } from './error-notice.tsx';
import type { PauseState } from '../../../src/server/api-types.ts';

/**
 * The kill switch as one button and a confirmation: any team lead may pause (stopping must be
 * easy), only an admin may resume. Viewers see nothing.
 */
export function PauseResumeControl({ paused, onChanged }: { paused: boolean; onChanged?: (state: PauseState) => void }) {
  const isTeamLead = useRoleAtLeast('team-lead');
  const isAdmin = useRoleAtLeast('admin');
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  if (!isTeamLead) return null;
  if (paused && !isAdmin) return <p className="muted small">Only an admin can resume.</p>;

  const toggle = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const next = paused
        ? await api.post<PauseState>('/api/agent/resume')
        : await api.post<PauseState>('/api/agent/pause', reason.trim() ? { reason: reason.trim() } : {});
      setReason('');
      setConfirming(false);
      onChanged?.(next);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : new ApiError(0, 'error', String(caught)));
      setConfirming(false);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <ErrorNotice error={error} />
      <button type="button" className={`button ${paused ? 'primary' : 'danger'}`} onClick={() => setConfirming(true)}>
        {paused ? 'Resume Mender' : 'Pause Mender'}
      </button>
      <ConfirmDialog
        open={confirming}
        title={paused ? 'Resume Mender?' : 'Pause Mender?'}
        confirmLabel={paused ? 'Resume' : 'Pause now'}
        tone={paused ? 'primary' : 'danger'}
        busy={busy}
        onCancel={() => setConfirming(false)}
        onConfirm={() => void toggle()}
      >
        {paused ? (
          <p>Operations continue from their last durable step.</p>
        ) : (
          <>
            <p>Running model calls and commands stop now; the steps run again after a resume.</p>
            <label>
              Reason (optional, shown to everyone)
              <input name="reason" value={reason} onChange={(event) => setReason(event.target.value)} placeholder="incident in production" />
            </label>
          </>
        )}
      </ConfirmDialog>
    </>
  );
}
