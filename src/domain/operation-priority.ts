/** Queue priority by severity (lower runs first): a P0 starts before older lower-priority work. */
const severityPriority: Record<string, number> = { P0: 0, P1: 1, P2: 2, P3: 3, P4: 4 };

/** Work without a severity ranks with a P2: after urgent issues, before minor ones. */
export const defaultOperationPriority = severityPriority.P2!;

/** A rollback undoes a change that hurt: it ranks with a P0. */
export function operationPriority(severity: string | undefined, rollback = false): number {
  if (rollback) return severityPriority.P0!;
  return (severity === undefined ? undefined : severityPriority[severity]) ?? defaultOperationPriority;
}
