import type { DeliveryOutcome, DeliveryPort, OperationRecords, RepositoryLookup } from './pipeline-ports.ts';
import type { SupervisorPort } from './supervisor-port.ts';

/**
 * Where a merged change goes: Mender's own repository's to the supervisor, as a self-update (the
 * operation waits `monitoring` until the new version is blessed or reverted, see
 * self-update-outcomes.ts); every other repository's to the deploy runner.
 */
export class SelfDelivery implements DeliveryPort {
  constructor(
    private readonly dependencies: { operations: OperationRecords; repos: RepositoryLookup; supervisor: SupervisorPort },
    private readonly others: DeliveryPort,
  ) {}

  async afterMerge(operationId: string): Promise<DeliveryOutcome> {
    const { operations, repos, supervisor } = this.dependencies;
    const operation = await operations.get(operationId);
    const repo = await repos.byId(operation.repoId);
    if (!repo?.self) return this.others.afterMerge(operationId);
    if (!supervisor.supervised) return { shipping: false, reason: 'Mender runs without its supervisor (--no-supervisor): the change runs from the next start' };
    await operations.transition(operationId, {
      from: ['merged'],
      to: 'monitoring',
      actor: 'mender',
      event: { type: 'self_update.asked', data: { commit: operation.mergeCommit } },
    });
    supervisor.requestUpdate({ commit: operation.mergeCommit!, operationId, requestedBy: operation.createdBy });
    return { shipping: true, deploymentId: null };
  }
}
