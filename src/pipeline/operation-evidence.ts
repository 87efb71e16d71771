import type { AttemptEvidence, BaselineEvidence } from './verify-change.ts';

/** What an operation has proven so far, as stored on it. */
export interface OperationEvidence {
  baseline?: BaselineEvidence;
  attempts?: AttemptEvidence[];
  /** The attempt that verified: red before, green after. */
  red?: AttemptEvidence['red'];
  green?: AttemptEvidence['green'];
  checks?: AttemptEvidence['checks'];
  flags?: string[];
}
