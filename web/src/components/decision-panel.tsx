import { useEffect, useState, type ReactNode } from 'react';
import { api } from '../api/api-client.ts';
import { ApiError } from '../api/api-error.ts';
import type { OperationDetail, OperationStatus } from '../../../src/server/api-types.ts';
import { awaitingStatuses, rollbackableStatuses, terminalStatuses } from '../format/status.ts';
import { useRouter } from '../routing/router.tsx';
import { useRoleAtLeast, useSession } from '../session/session-provider.tsx';
import { ConfirmDialog } from './confirm-dialog.tsx';
import { ErrorNotice } from './error-notice.tsx';
import { LevelBadge } from './level-badge.tsx';
import { Link } from '../routing/link.tsx';
import { useOffline } from '../live/live-events-provider.tsx';
import { MarkdownView } from '../markdown/markdown-view.tsx';

type Decision = 'approve' | 'reject' | 'request-changes' | 'cancel' | 'retry' | 'rollback';

const confirmations: Partial<Record<Decision, { title: string; text: string; label: string }>> = {
  cancel: {
    title: 'Cancel this operation?',
    text: 'Running model calls and commands stop, and the change request is closed. You can retry it later.',
    label: 'Cancel operation',
  },
  rollback: {
    title: 'Roll back this change?',
    text: 'Mender reverts its commits on a new branch, runs the suite, and asks for approval before merging the revert.',
    label: 'Roll back',
  },
  reject: { title: 'Reject this change?', text: 'The operation ends rejected; nothing is merged.', label: 'Reject' },
  // Only the change gate's approval: approving a plan starts work that waits at the change gate again.
  approve: {
    title: 'Approve and merge this change?',
    text: 'Mender merges the branch into the default branch (after rebasing and running the suite again when the branch is behind).',
    label: 'Approve and merge',
  },
};

/** The confirmation a decision asks for here, if any. */
function confirmationOf(decision: Decision, status: string) {
  if (decision === 'approve' && status !== 'awaiting_approval') return undefined;
  return confirmations[decision];
}

/**
 * The decisions the signed-in user may take on this operation in its present status (the API
 * checks again), with the verdict (what they weigh) beside the buttons.
 */
export function DecisionPanel({ operation, summary }: { operation: OperationDetail; summary?: ReactNode }) {
  const { user } = useSession();
  const { navigate } = useRouter();
  const isTeamLead = useRoleAtLeast('team-lead');
  const isAdmin = useRoleAtLeast('admin');
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState<Decision | undefined>();
  const [confirming, setConfirming] = useState<Decision | undefined>();
  // A decision's answer and error belong to the status they were given in: once the operation
  // moves on (live), they are stale and go. A lost connection's error goes once it is back.
  const [error, setError] = useState<{ error: ApiError; status: string } | undefined>();
  const [done, setDone] = useState<{ message: string; from: string; to: string; reached?: boolean } | undefined>();
  const offline = useOffline();
  useEffect(() => {
    // The answer stays while the page still shows the old status or the one answered; the next move clears it.
    setDone((current) => {
      if (!current) return current;
      if (operation.status === current.to) return current.reached ? current : { ...current, reached: true };
      return operation.status === current.from && !current.reached ? current : undefined;
    });
    setError((current) => (current && current.status !== operation.status ? undefined : current));
  }, [operation.status]);
  if (!isTeamLead) {
    return (
      <section className="card decision-summary" aria-label="Verdict">
        {summary}
        <p className="muted small" data-testid="viewer-note">
          You can follow this operation; deciding on it needs a team lead or an admin.
        </p>
      </section>
    );
  }
  const waiting = awaitingStatuses.has(operation.status);
  const pending = operation.approvals.filter((approval) => approval.decision === null).at(-1);
  const level = pending?.requiredLevel ?? (operation.status === 'awaiting_plan_approval' ? 'team-lead' : operation.risk?.requiredApproval);
  // The server says whether this person may approve here (role, level and the two-person rule as set now).
  const verdict = operation.approvalForYou;
  const roleMeetsLevel = verdict ? verdict.allowed : level === 'admin' ? isAdmin : level !== 'manual-only';
  const twoPersonRule = verdict?.twoPersonRule ?? false;
  const heldByTwoPersonRule = !!verdict && !verdict.allowed && twoPersonRule !== false && user?.name === operation.createdBy && level !== 'auto';
  const mayCancel = !terminalStatuses.has(operation.status) && !['merging', 'merged'].includes(operation.status);
  const mayRetry = ['failed', 'cancelled', 'rejected'].includes(operation.status);
  const mayRollBack = rollbackableStatuses.has(operation.status) && !!operation.mergeCommit;

  const decide = async (decision: Decision) => {
    if (decision === 'request-changes' && !comment.trim()) {
      setError({ error: new ApiError(400, 'comment_required', 'Say what should change in the comment, then request changes.'), status: operation.status });
      return;
    }
    setBusy(decision);
    setError(undefined);
    setDone(undefined);
    try {
      const body = decision === 'retry' ? undefined : comment.trim() ? { comment: comment.trim() } : {};
      const answer = await api.post<OperationStatus>(`/api/operations/${operation.id}/${decision}`, body);
      setComment('');
      setConfirming(undefined);
      if (decision === 'rollback') navigate(`/operations/${answer.id}`);
      else setDone({ message: `Done: the operation is ${answer.status.replace(/_/g, ' ')}.`, from: operation.status, to: answer.status });
    } catch (caught) {
      setConfirming(undefined);
      setError({ error: caught instanceof ApiError ? caught : new ApiError(0, 'error', String(caught)), status: operation.status });
    } finally {
      setBusy(undefined);
    }
  };
  const request = (decision: Decision) => (confirmationOf(decision, operation.status) ? setConfirming(decision) : void decide(decision));

  if (!waiting && !mayCancel && !mayRetry && !mayRollBack) {
    return summary ? (
      <section className="card decision-summary" aria-label="Verdict">
        {summary}
      </section>
    ) : null;
  }
  const shownError = error && error.status === operation.status && !(error.error.code === 'network_error' && !offline) ? error.error : undefined;
  const disabled = !!busy || offline;
  const confirmation = confirming ? confirmationOf(confirming, operation.status) : undefined;
  return (
    <section className="card decision-panel" aria-labelledby="decision-heading">
      <h2 id="decision-heading">
        {waiting ? (operation.status === 'awaiting_plan_approval' ? 'The plan waits for you' : 'The change waits for you') : 'Actions'}
      </h2>
      {waiting && level ? (
        <p>
          Needs <LevelBadge level={level} /> approval.
          {level === 'manual-only' ? ' Mender will not merge this change: review the branch and merge it yourself, or reject it.' : ''}
          {level === 'admin' && !isAdmin ? ' An admin must approve it; you can still request changes or reject it.' : ''}
          {heldByTwoPersonRule ? (
            <span data-testid="two-person-note">
              {' '}
              You asked for this operation, so under the two-person rule another {level === 'admin' ? 'admin' : 'team lead or admin'} approves it
              {twoPersonRule === 'always' ? ' (it changes Mender’s self-protected files, so the rule holds whatever the setting says).' : '.'}{' '}
              {twoPersonRule === true ? (
                <>
                  For a team of one, an admin can turn the rule off in <Link to="/settings">Settings</Link>.
                </>
              ) : null}
            </span>
          ) : null}
        </p>
      ) : null}
      {waiting && operation.gateDecision ? (
        <p className="small" data-testid="gate-rule">
          Sent to a person by policy rule <code>{operation.gateDecision.rule}</code> ({operation.gateDecision.gate} gate, {operation.gateDecision.outcome}):{' '}
          {operation.gateDecision.reason}
        </p>
      ) : null}
      {operation.status === 'awaiting_plan_approval' && operation.planMarkdown ? (
        <div className="decision-plan" data-testid="decision-plan" role="group" aria-label="The plan to approve" tabIndex={0}>
          <MarkdownView source={operation.planMarkdown} />
        </div>
      ) : null}
      <ErrorNotice error={shownError} title="Not done" />
      {done ? (
        <p className="notice notice-good" role="status">
          {done.message}
        </p>
      ) : null}
      {offline ? (
        <p className="muted small" data-testid="offline-note">
          Decisions wait until the live connection to Mender is back.
        </p>
      ) : null}
      {waiting || mayCancel || mayRollBack ? (
        <label>
          Comment {waiting ? '(needed to request changes)' : '(optional)'}
          <textarea name="comment" rows={3} value={comment} onChange={(event) => setComment(event.target.value)} />
        </label>
      ) : null}
      <div className="decision-row">
        {summary}
        <div className="button-row">
          {waiting && roleMeetsLevel ? (
            <button type="button" className="button primary" disabled={disabled} onClick={() => request('approve')} data-action="approve">
              {busy === 'approve' ? 'Approving…' : operation.status === 'awaiting_plan_approval' ? 'Approve plan' : 'Approve and merge'}
            </button>
          ) : null}
          {waiting ? (
            <button type="button" className="button" disabled={disabled} onClick={() => request('request-changes')} data-action="request-changes">
              Request changes
            </button>
          ) : null}
          {waiting ? (
            <button type="button" className="button danger" disabled={disabled} onClick={() => request('reject')} data-action="reject">
              Reject
            </button>
          ) : null}
          {mayRetry ? (
            <button type="button" className="button primary" disabled={disabled} onClick={() => request('retry')} data-action="retry">
              Retry
            </button>
          ) : null}
          {mayRollBack ? (
            <button type="button" className="button danger" disabled={disabled} onClick={() => request('rollback')} data-action="rollback">
              Roll back
            </button>
          ) : null}
          {mayCancel ? (
            <button type="button" className="button danger subtle-danger" disabled={disabled} onClick={() => request('cancel')} data-action="cancel">
              Cancel operation
            </button>
          ) : null}
        </div>
      </div>
      <ConfirmDialog
        open={!!confirmation}
        title={confirmation?.title ?? ''}
        confirmLabel={confirmation?.label ?? ''}
        tone={confirming === 'approve' ? 'primary' : 'danger'}
        busy={!!busy}
        onCancel={() => setConfirming(undefined)}
        onConfirm={() => confirming && void decide(confirming)}
      >
        <p>{confirmation?.text}</p>
        {comment.trim() ? <p className="muted small">With your comment: “{comment.trim()}”</p> : null}
      </ConfirmDialog>
    </section>
  );
}
