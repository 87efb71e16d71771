import type { Review } from '../../../src/server/api-types.ts';
import { MarkdownView } from '../markdown/markdown-view.tsx';

const severityTones: Record<string, string> = { info: 'neutral', minor: 'waiting', major: 'bad', critical: 'bad' };

/** The reviewer's verdict, summary and findings. */
export function ReviewView({ review }: { review: Review | null }) {
  if (!review) return <p className="muted">Not reviewed yet.</p>;
  return (
    <div data-testid="review">
      <p>
        <span className={`badge tone-${review.verdict === 'approve' ? 'good' : 'bad'}`}>
          {review.verdict === 'approve' ? 'reviewer approves' : 'reviewer requests changes'}
        </span>
      </p>
      <MarkdownView source={review.summary} />
      {review.findings.length === 0 ? (
        <p className="muted">No findings.</p>
      ) : (
        <ul className="findings">
          {review.findings.map((finding, index) => (
            <li key={index}>
              <span className={`badge tone-${severityTones[finding.severity] ?? 'neutral'}`}>{finding.severity}</span>{' '}
              <span className="badge tone-neutral">{finding.category.replace(/_/g, ' ')}</span> {finding.file ? <code>{finding.file}</code> : null}{' '}
              {finding.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
