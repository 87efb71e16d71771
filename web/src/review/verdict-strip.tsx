import type { OperationDetail } from '../../../src/server/api-types.ts';
import { verdictFacts } from './verdict-facts.ts';

/** Baseline, red, green, the review, the risk, the size of the change and its cost, in one line. */
export function VerdictStrip({ operation }: { operation: OperationDetail }) {
  return (
    <dl className="verdict-strip" data-testid="verdict-strip">
      {verdictFacts(operation).map((fact) => (
        <div key={fact.key} className={`verdict-fact fact-${fact.tone}`} data-fact={fact.key}>
          <dt>{fact.label}</dt>
          <dd>{fact.value}</dd>
        </div>
      ))}
    </dl>
  );
}
