import type { DetectedIssueDetailView } from '../../../src/server/api-types.ts';

const basisLabels: Record<DetectedIssueDetailView['grouping']['basis'], string> = {
  fingerprint: "the event's fingerprint",
  stacktrace: 'exception type + in-app frames',
  exception: 'exception type + value',
  message: 'message',
};

/** Why these events are one issue: the grouping rule the digest used, and what went into its hash. */
export function IssueGrouping({ grouping }: { grouping: DetectedIssueDetailView['grouping'] | undefined }) {
  if (!grouping) return null;
  return (
    <>
      <dt>Grouped by</dt>
      <dd data-testid="grouping">
        <strong>{basisLabels[grouping.basis] ?? grouping.basis}</strong>
        <p className="muted small">{grouping.explanation}</p>
        {grouping.parts.length ? (
          <details className="small">
            <summary>What went into the hash ({grouping.parts.length})</summary>
            <ul className="plain-list mono">
              {grouping.parts.map((part, index) => (
                <li key={index}>{part}</li>
              ))}
            </ul>
          </details>
        ) : null}
      </dd>
    </>
  );
}
