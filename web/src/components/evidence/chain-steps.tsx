import type { FailureSummary, RunSummary, TestStepResult } from '../../../../src/server/api-types.ts';
import { FailingTest } from './failing-test.tsx';

function StepHeader({ step }: { step: TestStepResult }) {
  return (
    <span>
      <code>{step.command}</code>
      {step.scripts.length ? <span className="muted"> via script {step.scripts.join(' › ')}</span> : null}
      {' · '}
      {step.structured ? (
        <span>
          {step.runner} · <span className="count-pass">{step.passed} passed</span> ·{' '}
          <span className={step.failed ? 'count-fail' : ''}>{step.failed} failed</span> · {step.skipped} skipped
        </span>
      ) : (
        <span className="muted" data-testid="step-fallback">
          read from the exit code: {step.fallbackReason ?? 'no report'}
        </span>
      )}
    </span>
  );
}

/**
 * Each step of the test command's chain with the given failing tests under the step that ran
 * them; failures no step claims (older evidence, or the command itself failing) come after.
 */
export function ChainSteps({ run, failures }: { run: RunSummary; failures: FailureSummary[] }) {
  const steps = run.steps ?? [];
  const unplaced = failures.filter((failure) => failure.step === undefined || failure.step >= steps.length);
  return (
    <div className="small">
      {steps.length ? (
        <ol className="plain-list" data-testid="chain-steps">
          {steps.map((step, index) => {
            const own = failures.filter((failure) => failure.step === index);
            return (
              <li key={index} data-step={index + 1}>
                <span className="muted">Step {index + 1}:</span> <StepHeader step={step} />
                {own.length ? (
                  <ul className="plain-list">
                    {own.map((failure) => (
                      <FailingTest key={failure.id} failure={failure} />
                    ))}
                  </ul>
                ) : null}
              </li>
            );
          })}
        </ol>
      ) : null}
      {unplaced.length ? (
        <ul className="plain-list">
          {unplaced.map((failure) => (
            <FailingTest key={failure.id} failure={failure} />
          ))}
        </ul>
      ) : null}
    </div>
  );
}
