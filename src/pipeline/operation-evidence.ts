import type { AttemptEvidence, BaselineEvidence } from './verify-change.ts';
import type { BaselineDiagnosis } from './baseline-diagnosis.ts';

/** What an operation has proven so far, as stored on it. */
export interface OperationEvidence {
  baseline?: BaselineEvidence;
  /** Why the unchanged tree's suite failed, when it did without naming failing tests. */
  baselineDiagnosis?: BaselineDiagnosis;
  attempts?: AttemptEvidence[];
  /** The attempt that verified: red before, green after. */
  red?: AttemptEvidence['red'];
  green?: AttemptEvidence['green'];
  checks?: AttemptEvidence['checks'];
  flags?: string[];
}
