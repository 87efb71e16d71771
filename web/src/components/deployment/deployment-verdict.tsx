import type { ReactNode } from 'react';
import { milliseconds, ratePercent } from '../../format/deployment.ts';
import { count, percent } from '../../format/numbers.ts';
import { duration } from '../../format/time.ts';

// The verdict is stored and served as the judge wrote it (deploy/judge/canary-verdict.ts); read it defensively.
type Loose = Record<string, unknown>;
const record = (value: unknown): Loose | undefined => (value && typeof value === 'object' ? (value as Loose) : undefined);
const number = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const text = (value: unknown): string => (typeof value === 'string' ? value : value === undefined || value === null ? '' : JSON.stringify(value));

function Figure({ label, children, name }: { label: string; name: string; children: ReactNode }) {
  return (
    <div data-figure={name}>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** The latest verdict whole: decision, rule, reason, and the figures it was taken on. */
export function DeploymentVerdict({ verdict }: { verdict: Loose | null }) {
  if (!verdict) return <p className="muted">No verdict yet: the judge speaks after the canary's first interval.</p>;
  const samples = record(verdict.samples);
  const rates = record(verdict.errorRate);
  const latency = record(verdict.latency);
  const fingerprint = record(verdict.fingerprint);
  const ratio = number(latency?.ratio);
  const upperBound = number(rates?.differenceUpperBound);
  return (
    <div data-testid="latest-verdict">
      <p>
        <span className="badge tone-neutral" data-decision={text(verdict.decision)}>
          {text(verdict.decision)}
        </span>{' '}
        rule <code data-testid="verdict-rule">{text(verdict.rule)}</code>
        {number(verdict.elapsedMs) !== null ? <span className="muted small"> · after {duration(number(verdict.elapsedMs))}</span> : null}
        {verdict.baseline ? <span className="muted small"> · baseline {text(verdict.baseline)}</span> : null}
      </p>
      <p>{text(verdict.reason)}</p>
      <dl className="verdict-figures">
        <Figure label="Samples (requests)" name="samples">
          new {count(samples?.newRequests)} · stable {count(samples?.stableRequests)}
        </Figure>
        <Figure label="Server errors" name="errors">
          new {count(samples?.newErrors)} · stable {count(samples?.stableErrors)}
        </Figure>
        <Figure label="Error rate" name="error-rate">
          new {ratePercent(number(rates?.newRate))} · stable {ratePercent(number(rates?.stableRate))}
        </Figure>
        <Figure label="Confidence" name="confidence">
          {percent(number(rates?.confidence))}
          {number(rates?.likelihoodRatio) !== null ? <span className="muted small"> · LR {number(rates?.likelihoodRatio)!.toFixed(2)}</span> : null}
        </Figure>
        {upperBound !== null ? (
          <Figure label="Worse by at most" name="upper-bound">
            {ratePercent(upperBound)}
          </Figure>
        ) : null}
        <Figure label={`Latency p${number(latency?.percentile) ?? 95} ratio`} name="latency-ratio">
          {ratio !== null ? `${ratio.toFixed(2)}×` : '—'}
          {latency ? (
            <span className="muted small">
              {' '}
              ({milliseconds(number(latency.newMs))} vs {milliseconds(number(latency.stableMs))})
            </span>
          ) : null}
        </Figure>
        {fingerprint ? (
          <Figure label="New error" name="fingerprint">
            <span className="mono">{text(fingerprint.fingerprint)}</span> · {count(fingerprint.events)} events from {count(fingerprint.users)} users
          </Figure>
        ) : null}
      </dl>
    </div>
  );
}
