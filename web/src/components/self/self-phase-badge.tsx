import type { SelfUpdatePhase } from '../../../../src/domain/self-update-vocabulary.ts';
import { selfPhaseLabel, selfPhaseTone } from '../../format/self-update.ts';

export function SelfPhaseBadge({ phase }: { phase: SelfUpdatePhase }) {
  return (
    <span className={`badge tone-${selfPhaseTone(phase)}`} data-self-phase={phase}>
      {selfPhaseLabel(phase)}
    </span>
  );
}
