import type { OperationDetail } from '../../../../src/server/api-types.ts';
import { AttemptCard } from './attempt-card.tsx';
import { RetryWithFeedback } from './retry-with-feedback.tsx';

/** Each attempt at the change and why it did or did not verify; after a failure, the retry with feedback. */
export function OperationAttempts({ operation }: { operation: OperationDetail }) {
  const attempts = operation.evidence.attempts ?? [];
  const stopped = ['failed', 'cancelled', 'rejected'].includes(operation.status);
  // A retry starts the attempts afresh: until the first new one, say so rather than vanish.
  const retried = operation.timeline.some((event) => event.type === 'operation.retried');
  if (attempts.length === 0 && !stopped && !retried) return null;
  return (
    <section className="card attempts" aria-labelledby="attempts-heading" data-testid="attempts">
      <h2 id="attempts-heading">Attempts</h2>
      {attempts.length ? (
        <ol className="plain-list attempt-list">
          {attempts.map((attempt) => (
            <AttemptCard key={attempt.attempt} attempt={attempt} of={operation.maxAttempts} />
          ))}
        </ol>
      ) : (
        <p className="muted">
          {stopped
            ? 'No attempt at a change was made: the operation stopped before the coder started.'
            : 'Started again: the first new attempt appears here once the coder has made it.'}
        </p>
      )}
      <RetryWithFeedback operation={operation} />
    </section>
  );
}
