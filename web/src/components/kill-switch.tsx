import { useState } from 'react';
import { api } from '../api/api-client.ts';
import { ApiError } from '../api/api-error.ts';
import type { TimelineEvent } from '../api/types.ts';
import { useLiveResource } from '../live/use-live-resource.ts';
import { relativeTime } from '../format/time.ts';
import { useRoleAtLeast } from '../session/session-provider.tsx';
import { ConfirmDialog } from './confirm-dialog.tsx';
import { ErrorNotice } from './error-notice.tsx';

interface AgentState {
  paused: boolean;
  by?: string;
  at?: string;
  reason?: string;
  operations?: Record<string, number>;
}

const isAgentEvent = (event: TimelineEvent) => event.type === 'agent.paused' || event.type === 'agent.resumed';

/** Pause (any team lead) and resume (admins): one click, then a confirmation. */
export function KillSwitch() {
  const { data, error } = useLiveResource(() => api.get<AgentState>('/api/agent'), 'agent-switch', isAgentEvent);
  const isAdmin = useRoleAtLeast('admin');
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<ApiError | undefined>();
  const [state, setState] = useState<AgentState | undefined>();
  const current = state && data && (state.at ?? '') >= (data.at ?? '') ? state : data;

  const toggle = async () => {
    setBusy(true);
    setActionError(undefined);
    try {
      const next = current?.paused
        ? await api.post<AgentState>('/api/agent/resume')
        : await api.post<AgentState>('/api/agent/pause', reason.trim() ? { reason: reason.trim() } : {});
      setState(next);
      setReason('');
      setConfirming(false);
    } catch (caught) {
      setActionError(caught instanceof ApiError ? caught : new ApiError(0, 'error', String(caught)));
      setConfirming(false);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card kill-switch" aria-labelledby="kill-switch-heading" data-testid="kill-switch">
      <h2 id="kill-switch-heading">Kill switch</h2>
      <ErrorNotice error={error ?? actionError} />
      {current ? (
        <>
          <p>
            Mender is{' '}
            <span className={`badge tone-${current.paused ? 'bad' : 'good'}`} data-testid="kill-switch-state">
              {current.paused ? 'paused' : 'running'}
            </span>
            {current.paused ? ` since ${relativeTime(current.at)} (by ${current.by ?? 'someone'}${current.reason ? `: ${current.reason}` : ''})` : ''}.
          </p>
          <p className="muted small">
            {current.paused
              ? 'No step starts while paused. Resuming continues every operation from where it stopped.'
              : 'Pausing stops running model calls and commands at once, and nothing new starts until an admin resumes.'}
          </p>
          {current.paused && !isAdmin ? (
            <p className="muted small">Only an admin can resume.</p>
          ) : (
            <button type="button" className={`button ${current.paused ? 'primary' : 'danger'}`} onClick={() => setConfirming(true)}>
              {current.paused ? 'Resume Mender' : 'Pause Mender'}
            </button>
          )}
        </>
      ) : null}
      <ConfirmDialog
        open={confirming}
        title={current?.paused ? 'Resume Mender?' : 'Pause Mender?'}
        confirmLabel={current?.paused ? 'Resume' : 'Pause now'}
        tone={current?.paused ? 'primary' : 'danger'}
        busy={busy}
        onCancel={() => setConfirming(false)}
        onConfirm={() => void toggle()}
      >
        {current?.paused ? (
          <p>Operations continue from their last durable step.</p>
        ) : (
          <>
            <p>Running steps stop now; they run again after a resume.</p>
            <label>
              Reason (optional, shown to everyone)
              <input name="reason" value={reason} onChange={(event) => setReason(event.target.value)} placeholder="incident in production" />
            </label>
          </>
        )}
      </ConfirmDialog>
    </section>
  );
}
