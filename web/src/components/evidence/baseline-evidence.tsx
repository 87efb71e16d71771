import type { BaselineDiagnosis, BaselineEvidence } from '../../../../src/server/api-types.ts';
import { duration } from '../../format/time.ts';
import { TestNameList } from './test-name-list.tsx';

const verdictLabels: Record<BaselineDiagnosis['verdict'], string> = {
  sandbox: 'the sandbox is at fault',
  repository: 'the repository fails on its own',
  unknown: 'cause unknown',
};

/** The suite before any change: how it was read, what failed already, and why when unexplained. */
export function BaselineEvidenceView({ baseline, diagnosis }: { baseline: BaselineEvidence; diagnosis: BaselineDiagnosis | undefined }) {
  return (
    <div data-testid="baseline-evidence">
      <span>
        <code>{baseline.command || 'no test command'}</code> · {baseline.passed} passed · {baseline.failed} failed · {duration(baseline.durationMs)}
        {baseline.timedOut ? <span className="count-fail"> · timed out</span> : null}
      </span>
      <div className="small muted">
        {baseline.structured === false ? 'read from the exit code only: no test report' : 'read from the runners’ test reports'}
      </div>
      <TestNameList label="Failing before any change" ids={baseline.failingIds} tone="bad" />
      {diagnosis ? (
        <p className="small">
          <strong>{verdictLabels[diagnosis.verdict]}:</strong> {diagnosis.reason}
        </p>
      ) : null}
      {baseline.outputTail && (baseline.exitCode !== 0 || baseline.timedOut) ? (
        <details>
          <summary className="small">End of the output</summary>
          <pre className="code-block small">{baseline.outputTail}</pre>
        </details>
      ) : null}
    </div>
  );
}
