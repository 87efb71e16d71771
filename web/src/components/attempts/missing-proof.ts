import type { OperationEvidence } from '../../../../src/server/api-types.ts';
import { terminalStatuses } from '../../format/status.ts';

/**
 * What red or green says while it has no verified result: "not yet" only while the operation
 * still runs; once it has stopped, why there is none.
 */
export function missingProof(evidence: OperationEvidence, status: string | undefined): string {
  if (!status || !terminalStatuses.has(status)) return 'not yet';
  const attempts = evidence.attempts?.length ?? 0;
  if (attempts > 0) return `not proven: none of the ${attempts} attempt(s) verified (see Attempts for each one's failing tests)`;
  return `not reached: the operation ended ${status.replace(/_/g, ' ')} before a change was verified`;
}
