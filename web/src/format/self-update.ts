import type { SelfUpdatePhase, SelfVersion } from '../../../src/domain/self-update-vocabulary.ts';
import type { Tone } from './status.ts';

// Keyed by the vocabulary's phases: a new phase does not compile until it has a tone and words.
const tones: Record<SelfUpdatePhase, Tone> = {
  preparing: 'active',
  starting: 'active',
  probation: 'waiting',
  blessed: 'good',
  reverted: 'bad',
  failed: 'bad',
};

const labels: Record<SelfUpdatePhase, string> = {
  preparing: 'preparing',
  starting: 'starting',
  probation: 'on probation',
  blessed: 'blessed',
  reverted: 'reverted',
  failed: 'failed',
};

export function selfPhaseTone(phase: SelfUpdatePhase): Tone {
  return tones[phase];
}

export function selfPhaseLabel(phase: SelfUpdatePhase): string {
  return labels[phase];
}

export function slotLabel(version: Pick<SelfVersion, 'slot'>): string {
  return version.slot === 'checkout' ? 'the checkout' : `slot ${version.slot}`;
}
