import type { Settings } from '../../config/settings-schema.ts';
import type { Logger } from '../../logging/logger.ts';
import type { GatePolicy } from '../../policy/gate-policy.ts';
import type { GateFactSource } from '../gate-facts.ts';
import type { OperationRecords, RepositoryLookup } from '../pipeline-ports.ts';
import type { DeploymentStore } from './deployment-store.ts';
import type { DeployTargetsPort, ReleaseErrorsPort } from './ship-ports.ts';

/** What the deploy runner needs, chosen at start-up (`main/start-mender.ts`). */
export interface ShipContext {
  settings: Settings;
  deployments: DeploymentStore;
  operations: OperationRecords;
  repos: RepositoryLookup;
  targets: DeployTargetsPort;
  releaseErrors: ReleaseErrorsPort;
  /** The deploy and promote gates are decided by the same policy as every other gate. */
  policy: GatePolicy;
  gateFacts: GateFactSource;
  log: Logger;
  /** Milliseconds now: the canary's elapsed time is measured on it. */
  now: () => number;
}
