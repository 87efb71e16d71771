import { newId } from '../store/ids.ts';
import { operationPriority } from '../domain/operation-priority.ts';
import { InvalidTransitionError } from './pipeline-errors.ts';
import type { OperationRow } from './operation-store.ts';
import type { OperationRecords } from './pipeline-ports.ts';

/**
 * Opens a rollback operation that reverts `original`'s merged change: a P0 that skips planning and
 * goes through the change gate like any change. One at a time per original. A person asks for it
 * (`Pipeline.rollback`), or the deploy runner does when the merged change's release was rolled back.
 */
export async function openRevert(operations: OperationRecords, original: OperationRow, actor: string, comment?: string): Promise<OperationRow> {
  const pending = (await operations.nonTerminal()).find((operation) => operation.rollbackOf === original.id);
  if (pending) throw new InvalidTransitionError(`operation ${pending.id} is already rolling back ${original.id} (${pending.status})`);
  return operations.create(
    {
      id: newId(),
      repoId: original.repoId,
      type: 'rollback',
      source: 'api',
      description: `Roll back operation ${original.id}: ${original.description.split('\n')[0]!.slice(0, 200)}${comment ? `\n\n${comment}` : ''}`,
      rollbackOf: original.id,
      maxAttempts: 1,
      priority: operationPriority(undefined, true),
      createdBy: actor,
    },
    actor,
    { queue: 'execution', name: 'rollback' },
  );
}
