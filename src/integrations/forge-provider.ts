import type { Env, Hono } from 'hono';
import type { Settings } from '../config/settings-schema.ts';
import type { ChangeRequestRecords } from '../forge/change-request-records.ts';
import type { RemoteRepositories } from '../forge/forge.ts';
import type { RemoteForge } from '../forge/forge-router.ts';
import type { Logger } from '../logging/logger.ts';
import type { OperationStore } from '../pipeline/operation-store.ts';
import type { Pipeline } from '../pipeline/pipeline.ts';
import type { Database } from '../store/database.ts';
import type { EventHub } from '../store/event-hub.ts';
import type { RepoStore } from '../store/repo-store.ts';
import type { DeliveryProcessor, WebhookInbox } from './webhook-inbox.ts';

// A remote forge (GitHub today) as one entry: its Forge, its registration of repositories by
// remote URL, its webhook route and the processor of its deliveries, and the settings it reads.
// The entry lives here, not in forge/, because webhooks drive the pipeline: forge/ stays below it.
// How to add one: docs/contributing/add-a-forge.md.

/** What a forge's services are built from, before the pipeline exists. */
export interface ForgeProviderContext {
  db: Database;
  settings: Settings;
  changeRequests: ChangeRequestRecords;
  hub: EventHub;
  log: Logger;
  repos: RepoStore;
}

/** What the processor of a forge's webhook deliveries acts through, once the pipeline is built. */
export interface ForgeWebhookContext {
  pipeline: Pipeline;
  operations: OperationStore;
  repos: RepoStore;
  settings: Settings;
  log: Logger;
}

export interface ForgeProvider {
  /** Stable name: the webhook inbox's source for its deliveries and the segment of POST /webhooks/<id>. */
  readonly id: string;
  /** The settings this forge reads, all defined in src/config/settings-schema.ts. */
  readonly settingKeys: readonly (keyof Settings)[];
  /**
   * Registers its webhook route(s) outside the bearer token: verify, store in the inbox under `id`, acknowledge.
   * Generic over the app's environment: a webhook route reads nothing from the context (it checks its own signature).
   */
  registerWebhookRoutes<Environment extends Env>(app: Hono<Environment>, services: { inbox: WebhookInbox; settings: Settings }): void;
  /** Builds its services; inert until a repository is registered from this forge. */
  create(context: ForgeProviderContext): ForgeProviderInstance;
}

export interface ForgeProviderInstance {
  /** Acts on the repositories registered from this forge (the forge router asks `handles`). */
  forge: RemoteForge;
  /** Registers repositories by remote URL (POST /api/repos with remoteUrl). */
  remoteRepositories: RemoteRepositories;
  /** Processes the deliveries its webhook route stored. */
  webhookProcessor(context: ForgeWebhookContext): DeliveryProcessor;
  /** Background work (GitHub: mirroring operation status onto pull requests), started once the pipeline runs. */
  start(): void;
  stop(): Promise<void>;
}
