/**
 * Advisory lock ids Mender takes, in one list so two uses never share one by accident. Migrations,
 * event order and operation budgets take theirs inside the transaction they guard; decision
 * locks are held while their work runs; session locks (`sessionLocks`, with a name's hash as the
 * second key) for as long as the process lives.
 */
export const advisoryLockIds = { migrations: 727274, eventOrder: 727275, operationBudgets: 727276, detectionDecisions: 727277, sessionLocks: 727278 } as const;
