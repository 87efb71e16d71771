/** What happened, in order, across the fakes: `transition executing→verifying`, `worktrees.remove …`. */
export type CallLog = string[];
