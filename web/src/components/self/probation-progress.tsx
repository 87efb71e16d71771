import type { SelfUpdate } from '../../../../src/domain/self-update-vocabulary.ts';
import { duration } from '../../format/time.ts';
import { RelativeTime } from '../relative-time.tsx';

/** What a version on trial still waits for: healthy long enough, and one operation step run end to end. */
export function ProbationProgress({ update }: { update: SelfUpdate }) {
  const { probation } = update;
  return (
    <ul className="plain-list small" data-testid="probation">
      <li>
        {probation.healthySince ? (
          <>
            healthy since <RelativeTime at={probation.healthySince} />
          </>
        ) : (
          'not healthy yet'
        )}{' '}
        <span className="muted">(must stay healthy {duration(probation.requiredMs)})</span>
      </li>
      <li>{probation.stepCompleted ? 'an operation step completed' : 'no operation step completed yet'}</li>
      {probation.exits.length ? <li>exits: {probation.exits.join('; ')}</li> : null}
    </ul>
  );
}
