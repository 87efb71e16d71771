import type { GreenEvidence } from '../../../../src/server/api-types.ts';
import { ChainSteps } from './chain-steps.tsx';
import { RunLine } from './run-line.tsx';
import { TestNameList } from './test-name-list.tsx';

/** Green: the whole suite with the change, per step, and which tests changed state by name. */
export function GreenEvidenceView({ green }: { green: GreenEvidence }) {
  const newFailures = new Set(green.newFailures);
  const shown = (green.run?.failures ?? []).filter((failure) => newFailures.has(failure.id));
  return (
    <div data-testid="green-evidence">
      <span className={green.status === 'passed' ? 'count-pass' : 'count-fail'}>
        {green.status === 'passed' ? 'passed: every red test passes and nothing that passed before fails' : 'failed'}
      </span>
      <div className="small">
        <RunLine run={green.run} />
      </div>
      {green.run ? <ChainSteps run={green.run} failures={shown} /> : null}
      <TestNameList label="New failures" ids={green.newFailures} tone="bad" />
      <TestNameList label="Still failing (red tests the change did not fix)" ids={green.stillFailing} tone="bad" />
      <TestNameList label="Fixed (failing before any change, passing now)" ids={green.fixed} tone="good" />
      <TestNameList label="Failing before any change, still failing (excluded)" ids={green.failingBefore} />
    </div>
  );
}
