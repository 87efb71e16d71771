import type { Settings } from '../config/settings-schema.ts';
import type { Pipeline } from '../pipeline/pipeline.ts';
import type { OperationStore } from '../pipeline/operation-store.ts';
import type { AgentControl } from '../pipeline/agent-control.ts';
import type { Forge } from '../forge/forge.ts';
import type { RepoStore } from '../store/repo-store.ts';
import type { Database } from '../store/database.ts';
import type { EventHub } from '../store/event-hub.ts';
import type { Logger } from '../logging/logger.ts';
import type { WebhookInbox } from './webhook-inbox.ts';
import type { DeployRunner } from '../pipeline/ship/deploy-runner.ts';

/** What the integrations are built from (start-mender's services). */
export interface IntegrationDependencies {
  settings: Settings;
  db: Database;
  hub: EventHub;
  inbox: WebhookInbox;
  pipeline: Pipeline;
  operations: OperationStore;
  repos: RepoStore;
  forge: Forge;
  control: AgentControl;
  /** Ship and watch: Slack's `/deploy` asks the runner for a deployment. */
  deployments: Pick<DeployRunner, 'request'>;
  log: Logger;
}
