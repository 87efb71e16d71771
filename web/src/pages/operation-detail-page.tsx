import { useMemo, useState } from 'react';
import { RelativeTime } from '../components/relative-time.tsx';
import { api } from '../api/api-client.ts';
import type { OperationDetail, TimelineEvent } from '../../../src/server/api-types.ts';
import { useLiveMessages } from '../live/live-events-provider.tsx';
import { useLiveResource } from '../live/use-live-resource.ts';
import { terminalStatuses } from '../format/status.ts';
import { PageHeader } from '../components/page-header.tsx';
import { ErrorNotice } from '../components/error-notice.tsx';
import { Loading } from '../components/loading.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { OperationTimeline } from '../components/operation-timeline.tsx';
import { DecisionPanel } from '../components/decision-panel.tsx';
import { EvidenceView } from '../components/evidence-view.tsx';
import { ReviewView } from '../components/review-view.tsx';
import { RiskView } from '../components/risk-view.tsx';
import { UsageView } from '../components/usage-view.tsx';
import { OperationLinks } from '../components/operation-links.tsx';
import { ApprovalHistory } from '../components/approval-history.tsx';
import { OperationDiff } from '../components/operation-diff.tsx';
import { OperationDeployments } from '../components/deployment/operation-deployments.tsx';
import { OperationAttempts } from '../components/attempts/operation-attempts.tsx';
import { MarkdownView } from '../markdown/markdown-view.tsx';
import { Link } from '../routing/link.tsx';
import { isHeld, useAgentStatus } from '../live/use-agent-pause.ts';
import { OperationStepper } from '../review/operation-stepper.tsx';
import { VerdictStrip } from '../review/verdict-strip.tsx';
import { SectionNav } from '../review/section-nav.tsx';
import { ReviewShortcuts } from '../review/review-shortcuts.tsx';
import { useRoleAtLeast } from '../session/session-provider.tsx';

function titleOf(description: string): string {
  const firstLine = description.split('\n')[0] ?? description;
  return firstLine.length > 90 ? `${firstLine.slice(0, 87)}…` : firstLine;
}

/** The message, then the stack, once: a stack usually begins with the message it was thrown with. */
function reportedErrorText(message: string, stack: string | undefined): string {
  if (!stack) return message;
  return stack.trimStart().startsWith(message) || stack.includes(`: ${message}`) ? stack : `${message}\n${stack}`;
}

/** One operation: its live timeline, plan, evidence, diff, review, risk, usage, links and decisions. */
export function OperationDetailPage({ id }: { id: string }) {
  const {
    data: operation,
    error,
    loading,
  } = useLiveResource(
    () => api.get<OperationDetail>(`/api/operations/${encodeURIComponent(id)}`),
    id,
    (event) => event.operationId === id,
  );
  // Events shown at once as they arrive; the coalesced reload then brings the rest of the page along.
  const [arrived, setArrived] = useState<TimelineEvent[]>([]);
  useLiveMessages((message) => {
    if (message.kind === 'event' && message.event.operationId === id) setArrived((previous) => [...previous.slice(-500), message.event]);
  });
  const timeline = useMemo(() => {
    const bySequence = new Map<number, TimelineEvent>();
    for (const event of operation?.timeline ?? []) bySequence.set(event.sequence, event);
    for (const event of arrived) if (event.operationId === id) bySequence.set(event.sequence, event);
    return [...bySequence.values()].sort((left, right) => left.sequence - right.sequence);
  }, [operation?.timeline, arrived, id]);
  const agent = useAgentStatus();
  const isTeamLead = useRoleAtLeast('team-lead');

  if (error && !operation) {
    return (
      <section>
        <PageHeader title="Operation" />
        <ErrorNotice error={error} title={error.status === 404 ? 'Not found' : 'The operation could not be loaded'} />
        <p>
          <Link to="/operations">All operations</Link>
        </p>
      </section>
    );
  }
  if (loading || !operation) return <Loading what="the operation" />;
  const held = isHeld(operation.status, agent);
  // At the plan gate the decision panel shows the plan beside Approve plan (to those who decide): once is enough.
  const planInPanel = operation.status === 'awaiting_plan_approval' && isTeamLead && !!operation.planMarkdown;
  const live = held ? 'held' : !terminalStatuses.has(operation.status);
  // Why a `done` operation merged nothing (its change was already on the default branch).
  const doneNote = timeline.findLast((event) => event.type === 'operation.done')?.data.note;
  // A revision that changed nothing comes back to the gate with a note saying so.
  const gateNote = operation.status === 'awaiting_approval' ? timeline.findLast((event) => event.type === 'approval.requested')?.data.note : undefined;
  return (
    <section className="operation-detail" data-operation-id={operation.id}>
      <PageHeader
        title={titleOf(operation.description)}
        subtitle={
          <>
            <span className="mono">{operation.id}</span> · {operation.type} · {operation.repo} · from {operation.source} by {operation.createdBy} ·{' '}
            <RelativeTime at={operation.createdAt} />
          </>
        }
      />
      <div className="section-bar">
        <SectionNav />
        <ReviewShortcuts />
      </div>
      <section id="summary" aria-labelledby="summary-heading">
        <h2 id="summary-heading" className="visually-hidden">
          Summary
        </h2>
        <div className="status-line">
          <StatusBadge status={operation.status} />
          {held ? (
            <span className="badge tone-waiting" data-testid="held-note" title="No step starts until an admin resumes Mender">
              held — Mender is paused
            </span>
          ) : null}
          <span className="muted small">
            attempt {operation.attempts} of {operation.maxAttempts} · updated <RelativeTime at={operation.updatedAt} />
          </span>
        </div>
        <OperationStepper status={operation.status} timeline={timeline} />
        {operation.failureReason ? (
          <div className="notice notice-bad" role="status">
            <strong>Why it stopped:</strong> {operation.failureReason}
          </div>
        ) : null}
        {typeof doneNote === 'string' && operation.status === 'done' ? (
          <p className="notice" role="note" data-testid="done-note">
            <strong>Done without a merge:</strong> {doneNote}.
          </p>
        ) : null}
        {typeof gateNote === 'string' ? (
          <p className="notice" role="note" data-testid="gate-note">
            <strong>Revision:</strong> {gateNote}.
          </p>
        ) : null}
        {operation.feedback ? (
          <p className="notice" role="note">
            <strong>Feedback given:</strong> {operation.feedback}
          </p>
        ) : null}
        <DecisionPanel operation={operation} summary={<VerdictStrip operation={{ ...operation, timeline }} />} />
        <OperationAttempts operation={operation} />
      </section>
      <section className="card" aria-labelledby="changes-heading" id="changes">
        <h2 id="changes-heading">Changes</h2>
        {operation.changeRequest ? (
          <OperationDiff operationId={operation.id} headCommit={operation.changeRequest.headCommit} />
        ) : (
          <p className="muted">No change yet.</p>
        )}
      </section>
      <section className="card" aria-labelledby="evidence-heading" id="evidence">
        <h2 id="evidence-heading">Test evidence</h2>
        <EvidenceView evidence={operation.evidence} status={operation.status} />
      </section>
      <section className="card" aria-labelledby="review-heading">
        <h2 id="review-heading">Review</h2>
        <ReviewView review={operation.review} />
      </section>
      <div className="detail-grid">
        <OperationTimeline events={timeline} live={live} />
        <div className="side-column">
          <section className="card" aria-labelledby="risk-heading">
            <h2 id="risk-heading">Risk</h2>
            <RiskView risk={operation.risk} />
          </section>
          <section className="card" aria-labelledby="approvals-heading">
            <h2 id="approvals-heading">Approvals</h2>
            <ApprovalHistory approvals={operation.approvals} />
          </section>
          <section className="card" aria-labelledby="usage-heading">
            <h2 id="usage-heading">Model usage</h2>
            <UsageView usage={operation.usage} />
          </section>
          <section className="card" aria-labelledby="links-heading">
            <h2 id="links-heading">Links</h2>
            <OperationLinks operation={operation} />
          </section>
          <OperationDeployments operationId={operation.id} timeline={timeline} />
        </div>
      </div>
      <section className="card" aria-labelledby="plan-heading" id="plan">
        <h2 id="plan-heading">Plan</h2>
        {planInPanel ? (
          <p className="muted" data-testid="plan-in-panel">
            The plan waits for your decision: it is shown <a href="#summary">beside Approve plan</a>.
          </p>
        ) : operation.planMarkdown ? (
          <MarkdownView source={operation.planMarkdown} />
        ) : (
          <p className="muted">{operation.status === 'queued' || operation.status === 'planning' ? 'The planner is at work…' : 'No plan.'}</p>
        )}
      </section>
      {operation.errorContext?.message ? (
        <section className="card" aria-labelledby="error-heading">
          <h2 id="error-heading">Reported error</h2>
          <pre className="code-block">{reportedErrorText(operation.errorContext.message, operation.errorContext.stack)}</pre>
        </section>
      ) : null}
    </section>
  );
}
