/**
 * Advisory lock ids Mender takes, in one list so two uses never share one by accident. Migrations,
 * event order and operation budgets take theirs inside the transaction they guard; decision
 * locks are held while their work runs.
 */
export const advisoryLockIds = { migrations: 727274, eventOrder: 727275, operationBudgets: 727276, detectionDecisions: 727277 } as const;
