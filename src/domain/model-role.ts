/** The roles a model plays in an operation; each can be given its own model. */
export type ModelRole = 'planner' | 'coder' | 'reviewer';
