/** An operation is not in a state that allows what was asked. */
export class InvalidTransitionError extends Error {
  readonly code = 'invalid_transition';
  override name = 'InvalidTransitionError';
}

/** A named thing does not exist. */
export class NotFoundError extends Error {
  readonly code = 'not_found';
  override name = 'NotFoundError';
}

/** A step failed in a way retrying the job will not fix; the operation fails with this message. */
export class OperationFailure extends Error {
  readonly code = 'operation_failed';
  override name = 'OperationFailure';
}

/** The actor may not do this (role too low, two-person rule, manual-only). */
export class ForbiddenError extends Error {
  readonly code = 'forbidden';
  override name = 'ForbiddenError';
}

/** A budget or rate limit would be exceeded; nothing was started. */
export class BudgetExceededError extends Error {
  readonly code = 'budget_exceeded';
  override name = 'BudgetExceededError';
  /** @param retryAfterSeconds when the budget has room again (the HTTP answer's Retry-After). */
  constructor(
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** A request names something in a way that cannot be used (an unknown environment or commit): a 400 naming the field. */
export class InvalidRequestError extends Error {
  readonly code = 'invalid_request';
  override name = 'InvalidRequestError';
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}
