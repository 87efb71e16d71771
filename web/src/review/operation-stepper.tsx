import type { TimelineEvent } from '../../../src/server/api-types.ts';
import { operationSteps, type Step } from './operation-steps.ts';

const spokenStates: Record<Step['state'], string> = {
  passed: 'done',
  skipped: 'skipped',
  current: 'now',
  stopped: 'stopped here',
  upcoming: 'not yet',
};

/** Where the operation is in the pipeline, from queued to done; the step it is at (or stopped at) is marked. */
export function OperationStepper({ status, timeline }: { status: string; timeline: TimelineEvent[] }) {
  const steps = operationSteps(status, timeline);
  return (
    <nav aria-label="Progress" className="stepper-nav">
      <ol className="stepper" data-testid="stepper">
        {steps.map((step) => (
          <li
            key={step.key}
            className={`step step-${step.state}`}
            data-step={step.key}
            data-state={step.state}
            aria-current={step.state === 'current' || step.state === 'stopped' ? 'step' : undefined}
          >
            <span className="step-marker" aria-hidden="true" />
            <span className="step-label">{step.label}</span>
            <span className="visually-hidden"> ({spokenStates[step.state]})</span>
          </li>
        ))}
      </ol>
    </nav>
  );
}
