import { api } from '../api/api-client.ts';
import { RelativeTime } from '../components/relative-time.tsx';
import type { DetectedIssueDetailView } from '../../../src/server/api-types.ts';
import { useLiveResource } from '../live/use-live-resource.ts';
import { absoluteTime } from '../format/time.ts';
import { PageHeader } from '../components/page-header.tsx';
import { ErrorNotice } from '../components/error-notice.tsx';
import { Loading } from '../components/loading.tsx';
import { DetectionDisabled } from '../components/detection-disabled.tsx';
import { IssueHistogram } from '../components/issue-histogram.tsx';
import { IssueBreakdowns } from '../components/issue-breakdowns.tsx';
import { IssueGrouping } from '../components/issue-grouping.tsx';
import { IssueOperations } from '../components/issue-operations.tsx';
import { ResolveIssueButton } from '../components/resolve-issue-button.tsx';
import { StartFixButton } from '../components/start-fix-button.tsx';
import { exceptionFrames, formatFrames, sampleExceptions, sampleMessage, sampleTime } from '../format/issue-sample.ts';

/** One detected issue: counts, where it happens, sample stack traces, and its operations. */
export function IssueDetailPage({ id }: { id: string }) {
  const {
    data: issue,
    error,
    loading,
  } = useLiveResource(
    () => api.get<DetectedIssueDetailView>(`/api/issues/${encodeURIComponent(id)}`),
    id,
    (event) => event.type.startsWith('issue.'),
  );
  if (error?.status === 404 && /^no route/.test(error.message)) {
    return (
      <section>
        <PageHeader title="Issue" />
        <DetectionDisabled />
      </section>
    );
  }
  if (error) return <ErrorNotice error={error} title="The issue could not be loaded" />;
  if (loading || !issue) return <Loading what="the issue" />;
  return (
    <section>
      <PageHeader title={issue.title} subtitle={issue.culprit ?? undefined}>
        <StartFixButton issueId={issue.id} action={issue.fixAction ?? null} />
        <ResolveIssueButton issueId={issue.id} status={issue.status} />
      </PageHeader>
      <div className="grid two">
        <div className="card">
          <h2>Impact</h2>
          <dl className="facts">
            <dt>Severity</dt>
            <dd>
              {issue.severity} {issue.severityRule ? <span className="muted small">({issue.severityRule})</span> : null}
            </dd>
            <dt>Status</dt>
            <dd>{issue.status}</dd>
            <dt>Events</dt>
            <dd>
              {issue.count} total · {issue.counts?.m5 ?? 0} in 5 min · {issue.counts?.h1 ?? 0} in 1 h · {issue.counts?.h24 ?? 0} in 24 h
            </dd>
            <dt>Users</dt>
            <dd>{issue.users ?? 0}</dd>
            <dt>Seen</dt>
            <dd>
              first <RelativeTime at={issue.firstSeen} />, last <RelativeTime at={issue.lastSeen} />
            </dd>
            <dt>Releases</dt>
            <dd>{issue.releases?.join(', ') || '—'}</dd>
            <dt>Environments</dt>
            <dd>{issue.environments?.join(', ') || '—'}</dd>
            <IssueGrouping grouping={issue.grouping} />
          </dl>
        </div>
        <div className="card">
          <h2>Operations</h2>
          <IssueOperations operations={issue.operations} />
          {issue.statusReason ? <p className="muted small">{issue.statusReason}</p> : null}
          {issue.holdReason ? <p className="notice small">Held: {issue.holdReason}</p> : null}
        </div>
      </div>
      <div className="grid two">
        <IssueHistogram points={issue.histogram ?? []} />
        {issue.breakdowns ? <IssueBreakdowns breakdowns={issue.breakdowns} /> : null}
      </div>
      {issue.samples?.length ? (
        <section className="card">
          <h2>Samples</h2>
          {issue.samples.slice(0, 5).map((sample, index) => (
            <div key={index} className="sample">
              <p className="small muted">{[sample.kind, absoluteTime(sampleTime(sample)), sample.release, sample.environment].filter(Boolean).join(' · ')}</p>
              {sampleExceptions(sample).map((exception, exceptionIndex) => (
                <div key={exceptionIndex}>
                  <p className="mono">
                    {exception.type}: {exception.value}
                  </p>
                  <pre className="code-block small">{formatFrames(exceptionFrames(exception))}</pre>
                </div>
              ))}
              {sampleExceptions(sample).length === 0 && sampleMessage(sample) ? <p className="mono">{sampleMessage(sample)}</p> : null}
            </div>
          ))}
        </section>
      ) : null}
    </section>
  );
}
