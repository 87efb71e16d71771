import type { FailureSummary } from '../../../../src/server/api-types.ts';
import { failureName } from './test-names.ts';

/** One failing test: its name, its line and the runner's message. */
export function FailingTest({ failure }: { failure: FailureSummary }) {
  return (
    <li data-testid="failing-test">
      <span className="count-fail">✗</span> <span className="mono">{failureName(failure)}</span>
      {failure.line !== undefined ? <span className="muted"> · line {failure.line}</span> : null}
      {failure.message ? <pre className="code-block small">{failure.message}</pre> : null}
    </li>
  );
}
