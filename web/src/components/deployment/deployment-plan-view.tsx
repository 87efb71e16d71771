import { duration } from '../../format/time.ts';

type Loose = Record<string, unknown>;
const number = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const text = (value: unknown): string => (typeof value === 'string' ? value : value === undefined || value === null ? '—' : JSON.stringify(value));

/** Nested settings one level deep as `group.key` pairs (the judge's errorRate and latency rules). */
function flatten(settings: Loose): [string, unknown][] {
  return Object.entries(settings).flatMap(([key, value]) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.entries(value as Loose).map(([inner, innerValue]): [string, unknown] => [`${key}.${inner}`, innerValue])
      : [[key, value] as [string, unknown]],
  );
}

/** The settings the deployment runs by (pipeline/ship/deployment-plan.ts), fixed when it was created. */
export function DeploymentPlanView({ plan }: { plan: Loose }) {
  const steps = Array.isArray(plan.trafficSteps) ? plan.trafficSteps.filter((step): step is number => typeof step === 'number') : [];
  const judge = plan.judge && typeof plan.judge === 'object' ? (plan.judge as Loose) : {};
  const { watchMs, ...judgeRest } = judge;
  return (
    <dl className="facts small" data-testid="deployment-plan">
      <dt>Traffic steps</dt>
      <dd data-testid="plan-steps">{steps.length ? steps.map((step) => `${step} %`).join(' → ') : '—'}</dd>
      <dt>Watch</dt>
      <dd>{number(watchMs) !== null ? duration(number(watchMs)) : '—'}</dd>
      <dt>Interval</dt>
      <dd>{number(plan.intervalMs) !== null ? duration(number(plan.intervalMs)) : '—'}</dd>
      <dt>Health path</dt>
      <dd className="mono">{text(plan.healthPath)}</dd>
      {plan.smokeCommand ? (
        <>
          <dt>Smoke command</dt>
          <dd className="mono">{text(plan.smokeCommand)}</dd>
        </>
      ) : null}
      <dt>Target</dt>
      <dd>{text(plan.target)}</dd>
      <dt>Then</dt>
      <dd>{plan.nextEnvironment ? `promote to ${text(plan.nextEnvironment)}` : 'the last environment'}</dd>
      {Object.keys(judgeRest).length ? (
        <>
          <dt>Judge</dt>
          <dd>
            <ul className="plain-list">
              {flatten(judgeRest).map(([key, value]) => (
                <li key={key}>
                  {key}: <span className="mono">{text(value)}</span>
                </li>
              ))}
            </ul>
          </dd>
        </>
      ) : null}
    </dl>
  );
}
