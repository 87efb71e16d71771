import { useState } from 'react';
import { api } from '../../api/api-client.ts';
import { ApiError } from '../../api/api-error.ts';
import type { DeploymentAction } from '../../../../src/domain/deployment-vocabulary.ts';
import { actionLabels } from '../../format/deployment.ts';
import { ConfirmDialog } from '../confirm-dialog.tsx';
import { ErrorNotice } from '../error-notice.tsx';

// Rolling back and cancelling end the deployment: asked first, rollback with a comment (why, for the record).
const confirmations: Partial<Record<DeploymentAction, { title: string; text: string; label: string; asksComment: boolean }>> = {
  rollback: {
    title: 'Roll back this deployment?',
    text: 'All traffic goes back to the stable release, the new one stops, and a revert of the merged change is opened for approval.',
    label: 'Roll back',
    asksComment: true,
  },
  cancel: {
    title: 'Cancel this deployment?',
    text: 'It ends cancelled before it starts; nothing is deployed.',
    label: 'Cancel deployment',
    asksComment: false,
  },
};

const tones: Record<DeploymentAction, string> = {
  approve: 'primary',
  promote: 'primary',
  rollback: 'danger',
  pause: '',
  resume: '',
  cancel: 'danger subtle-danger',
};

/**
 * The buttons for what the API says the caller may do now (`actions`); each POSTs and then the
 * page reloads the deployment. The API checks the role and the status again.
 */
export function DeploymentActions({ deploymentId, actions, onDone }: { deploymentId: string; actions: DeploymentAction[]; onDone(): void }) {
  const [busy, setBusy] = useState<DeploymentAction | undefined>();
  const [confirming, setConfirming] = useState<DeploymentAction | undefined>();
  const [comment, setComment] = useState('');
  const [error, setError] = useState<ApiError | undefined>();
  const [done, setDone] = useState<string | undefined>();
  if (actions.length === 0) return null;

  const act = async (action: DeploymentAction) => {
    setBusy(action);
    setError(undefined);
    setDone(undefined);
    try {
      await api.post(`/api/deployments/${encodeURIComponent(deploymentId)}/${action}`, comment.trim() ? { comment: comment.trim() } : {});
      setComment('');
      setDone(`${actionLabels[action]}: done.`);
      onDone();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : new ApiError(0, 'error', String(caught)));
    } finally {
      setBusy(undefined);
      setConfirming(undefined);
    }
  };
  const confirmation = confirming ? confirmations[confirming] : undefined;
  return (
    <section className="card decision-panel" aria-labelledby="deployment-actions-heading" data-testid="deployment-actions">
      <h2 id="deployment-actions-heading">Actions</h2>
      <ErrorNotice error={error} title="Not done" />
      {done ? (
        <p className="notice notice-good" role="status">
          {done}
        </p>
      ) : null}
      <div className="button-row">
        {actions.map((action) => (
          <button
            key={action}
            type="button"
            className={`button ${tones[action]}`}
            disabled={!!busy}
            data-action={action}
            onClick={() => (confirmations[action] ? setConfirming(action) : void act(action))}
          >
            {busy === action ? 'Working…' : actionLabels[action]}
          </button>
        ))}
      </div>
      <ConfirmDialog
        open={!!confirmation}
        title={confirmation?.title ?? ''}
        confirmLabel={confirmation?.label ?? ''}
        tone="danger"
        busy={!!busy}
        onCancel={() => setConfirming(undefined)}
        onConfirm={() => confirming && void act(confirming)}
      >
        <p>{confirmation?.text}</p>
        {confirmation?.asksComment ? (
          <label>
            Why (recorded with the rollback)
            <textarea name="comment" rows={3} value={comment} onChange={(event) => setComment(event.target.value)} />
          </label>
        ) : null}
      </ConfirmDialog>
    </section>
  );
}
