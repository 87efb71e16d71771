// The operation's types, sources, statuses and transitions live in src/domain/operation-vocabulary.ts.

export type ApprovalGate = 'plan' | 'change' | 'deploy';
