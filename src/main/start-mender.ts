import crypto from 'node:crypto';
import { GatePolicy } from '../policy/gate-policy.ts';
import { loadPolicy } from '../policy/load-policy.ts';
import { PolicyError } from '../policy/parse-policy.ts';
import { gateFactQueries } from '../pipeline/gate-facts.ts';
import fs from 'node:fs';
import path from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import type { Hono } from 'hono';
import type { LoadedConfig } from '../config/load-settings.ts';
import { secretSettingValues } from '../config/load-settings.ts';
import { openStore, type Store } from '../store/database.ts';
import { ensurePrivateFolder, tightenTree } from '../store/private-files.ts';
import { EventHub } from '../store/event-hub.ts';
import { registerEventMetrics } from '../store/event-metrics.ts';
import { EventRelay } from '../store/event-relay.ts';
import { RepoStore } from '../store/repo-store.ts';
import { UserStore } from '../store/user-store.ts';
import { createJobQueueBackend } from './job-queue-backend.ts';
import type { JobQueue } from '../queue/job-queue.ts';
import { takeQueues } from '../queue/queue-selection.ts';
import { registerQueueMetrics } from '../queue/queue-metrics.ts';
import type { ProcessRole } from '../domain/process-roles.ts';
import { createWorkerApp } from '../server/worker-app.ts';
import { createRedactor, secretValuesFromEnvironment } from '../safety/redaction.ts';
import { createLogger } from '../logging/logger.ts';
import { OperationStore } from '../pipeline/operation-store.ts';
import { PipelineMetrics } from '../pipeline/pipeline-metrics.ts';
import { Pipeline } from '../pipeline/pipeline.ts';
import { AgentControl } from '../pipeline/agent-control.ts';
import { createRateLimiter } from '../safety/operation-rate-limit.ts';
import { registerRepo } from '../pipeline/register-repo.ts';
import { registerSelfRepo } from '../pipeline/self-repo.ts';
import { modelForRole } from '../agent/model-router.ts';
import { WorktreeManager } from '../workspace/worktree-manager.ts';
import { createCheckRunner } from '../workspace/check-runner.ts';
import { detectSandbox } from '../workspace/sandbox.ts';
import { createDenyMatcher, defaultDenyPatterns } from '../safety/path-policy.ts';
import os from 'node:os';
import { LocalForge } from '../forge/local-forge.ts';
import { ChangeRequestRecords } from '../forge/change-request-records.ts';
import { ForgeRouter } from '../forge/forge-router.ts';
import { createGitRemote } from '../forge/git-remote/git-remote-services.ts';
import { readOrCreateDataFolderId } from '../store/data-folder-id.ts';
import { ProcessPresence } from '../store/process-presence.ts';
import { ProcessCheckouts } from '../pipeline/repo-checkouts.ts';
import { createRemoteForges, forgeProviders } from '../integrations/forge-providers.ts';
import { createApp } from '../server/app.ts';
import { isLoopbackAddress } from '../server/host-check.ts';
import type { AppEnvironment } from '../server/authenticate.ts';
import { SessionStore } from '../store/session-store.ts';
import { SetupTokenStore } from '../store/setup-token-store.ts';
import { SignInThrottle } from '../server/session-throttle.ts';
import { announceSetupLink } from '../server/setup-link.ts';
import { SettingOverrideStore } from '../store/setting-overrides.ts';
import { RuntimeSettings } from '../server/runtime-settings.ts';
import { AutonomyGate } from '../server/autonomy-gate.ts';
import { AutonomyPeriods } from '../store/autonomy-periods.ts';
import { ConfigError } from '../config/config-error.ts';
import { McpConfigError, readMcpConfig, type McpConfigFile } from '../mcp/mcp-config.ts';
import { ExternalTools } from '../mcp/external-tools.ts';
import { createAgentExtensionsSource } from '../mcp/agent-extensions.ts';
import { ToolCallApprovals } from '../mcp/tool-call-approvals.ts';
import { WebhookInbox } from '../integrations/webhook-inbox.ts';
import { startIntegrations } from '../integrations/start-integrations.ts';
import { DetectionService } from '../detect/detection-service.ts';
import { advisoryLockIds } from '../store/advisory-lock-ids.ts';
import { postgresSessionLocks } from '../store/session-locks.ts';
import { databaseLock, inProcessLock } from '../store/decision-lock.ts';
import { registerDetectionMetrics } from '../detect/detection-metrics.ts';
import { DeploymentStore } from '../pipeline/ship/deployment-store.ts';
import { DeployRunner } from '../pipeline/ship/deploy-runner.ts';
import { fingerprintsBefore, releaseFingerprints } from '../detect/release-fingerprints.ts';
import { DeployTargets } from '../deploy/deploy-targets.ts';
import { unsupervised, type SupervisorPort } from '../pipeline/supervisor-port.ts';
import { SelfDelivery } from '../pipeline/self-delivery.ts';
import { SelfUpdateOutcomes } from '../pipeline/self-update-outcomes.ts';
import { SelfErrorFeed } from './self-error-feed.ts';

export interface RunningMender {
  url: string;
  port: number;
  adminToken: string;
  store: Store;
  /** The HTTP app, for in-process requests in tests. */
  app: Hono<AppEnvironment>;
  /** Decides again the change gates waiting for business hours that are due by the clock (the delayed jobs do it by themselves). */
  recheckWaits(): Promise<string[]>;
  /** The deploy runner and the deployments' rows, for in-process callers (tests). */
  deploys: { runner: DeployRunner; store: DeploymentStore };
  stop(): Promise<void>;
}

/** Builds every service from the settings (embedded backends by default), then serves HTTP. */
export interface StartOptions {
  /** Where secret-named variables are read from for redaction (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Where Mender's own (redacting) logger writes its JSON lines (default: stderr). */
  logWrite?: (line: string) => void;
  listen?: boolean;
  /**
   * The time sessions, setup links, policy gates (business hours, daily limits, rechecks) and
   * autonomy periods are judged by (default: the wall clock); tests move it forward.
   */
  clock?: () => Date;
  /** The supervisor this process runs under (default: none; `main/supervisor-link.ts`). */
  supervisor?: SupervisorPort;
  /** Serve here instead of the configured host and port (the supervisor owns those). */
  listenAddress?: { host: string; port: number };
  /**
   * On stop, how long requests already taken may take to be answered before their connections
   * are closed (default 0: at once). The supervised child drains so a handover loses none.
   */
  drainRequestsMs?: number;
  /** What this process does (default: the `role` setting, `all`): see docs/scale-out.md. */
  role?: ProcessRole;
}

function readPolicy(file: string | undefined) {
  try {
    return loadPolicy(file);
  } catch (error) {
    if (error instanceof PolicyError) throw new ConfigError(`the policy ${error.message}; Mender did not start (see docs/policy.md)`);
    throw error;
  }
}

export async function startMender(config: LoadedConfig, options: StartOptions = {}): Promise<RunningMender> {
  const { settings } = config;
  const role = options.role ?? settings.role;
  // Embedded PGlite opens its folder exclusively: one process, so a split needs a shared server.
  if (role !== 'all' && !settings.databaseUrl)
    throw new ConfigError(
      `--role ${role} needs a PostgreSQL server that every Mender process shares: set DATABASE_URL (the embedded PGlite database belongs to one process; use --role all without it)`,
    );
  const env = options.env ?? process.env;
  // Read before anything opens: a bad .mcp.json stops the start with its reason.
  const operatorMcpConfig = readOperatorMcpConfig(settings.mcpConfig, env);
  // So does a policy file with an error, naming its line: a policy is never half-applied.
  const clock = options.clock ?? (() => new Date());
  const supervisor = options.supervisor ?? unsupervised;
  const policy = new GatePolicy(readPolicy(settings.policyFile), settings.timeZone, clock);
  // The data folder holds the database, token hashes and ingested events: Mender's user only.
  ensurePrivateFolder(settings.dataDir);
  const adminToken = settings.adminToken ?? readOrCreateToken(path.join(settings.dataDir, 'admin-token'));
  const redactor = createRedactor([...secretSettingValues(settings), ...secretValuesFromEnvironment(env), adminToken]);
  // Mender's own errors go to its own detection once it runs (self-maintenance).
  const selfErrors = new SelfErrorFeed();
  const writeLog = options.logWrite ?? ((line: string) => void process.stderr.write(line));
  const log = createLogger(settings.logLevel, redactor.redact, (line) => {
    writeLog(line);
    selfErrors.offer(line);
  });
  const tightened = tightenTree(settings.dataDir);
  if (tightened)
    log.warn('tightened permissions in the data folder: other users could read or change it (folders are now 0700, files 0600)', {
      dataDir: settings.dataDir,
      entries: tightened,
    });
  // Started: set once, never reset. A stopping process is still started (its /health stays 200 while
  // it drains); /ready says it is stopping.
  let started = false;

  const store = await openStore(
    settings.databaseUrl
      ? {
          databaseUrl: settings.databaseUrl,
          onConnectionError: (error) => log.warn('database connection lost; the pool opens another', { error: error.message }),
        }
      : { directory: path.join(settings.dataDir, 'db') },
  );
  const workerId = `${os.hostname()}:${process.pid}:${crypto.randomUUID().slice(0, 8)}`;
  const queueBackend = await createJobQueueBackend(store, settings, workerId);
  // A web process enqueues only; a worker (or `all`) runs the queues it was given.
  const queue: JobQueue = takeQueues(queueBackend.queue, role === 'web' ? [] : settings.workerQueues, {
    onStart:
      role === 'worker'
        ? (job) => log.info('job started', { ...idsOf(job.payload), worker: workerId, queue: job.queue, job: job.name, jobId: job.id, attempt: job.attempt })
        : undefined,
  });
  const hub = new EventHub();
  // On PostgreSQL every process's hub follows the events table (any process may have recorded an
  // event); on PGlite this process is the only writer and its publishes go out directly.
  const relay = settings.databaseUrl
    ? new EventRelay({
        db: store.db,
        hub,
        databaseUrl: settings.databaseUrl,
        onError: (message, error) => log.warn(`event relay: ${message}`, { error: error.message }),
      })
    : undefined;
  await relay?.start();
  const operations = new OperationStore(store.db, queue, hub, redactor);
  const repos = new RepoStore(store.db);
  const users = new UserStore(store.db);
  await users.provisionToken('admin', 'admin', adminToken);
  const metrics = new PipelineMetrics(() => operations.countByStatus());
  registerQueueMetrics(metrics.registry, queue);
  registerEventMetrics(metrics.registry, { db: store.db, hub, relay });
  const worktrees = new WorktreeManager(path.join(settings.dataDir, 'worktrees'));
  const changeRequests = new ChangeRequestRecords(store.db);
  const remoteForges = createRemoteForges(forgeProviders, { db: store.db, settings, changeRequests, hub, log, repos });
  // Where the processes run: a worker on another data folder works from a remote repository's own clone.
  const dataFolderId = readOrCreateDataFolderId(settings.dataDir);
  const presence = new ProcessPresence(store.db, { processId: workerId, role, dataFolderId, host: os.hostname() }, (error) =>
    log.warn('could not record this process in mender_processes', { error: error.message }),
  );
  await presence.start();
  const gitRemote = createGitRemote({ settings, changeRequests, repos });
  const forge = new ForgeRouter(changeRequests, new LocalForge(changeRequests), [...remoteForges.instances.map((instance) => instance.forge), gitRemote.forge]);
  const checks = createCheckRunner({
    timeoutMs: settings.commandTimeoutSeconds * 1000,
    outputLimitBytes: settings.commandOutputLimitBytes,
    scratchDir: path.join(settings.dataDir, 'scratch'),
    sandbox: { mode: settings.sandbox, onUnsandboxedRun: (command) => log.warn('running a command without a sandbox (MENDER_SANDBOX=off)', { command }) },
    hiddenPaths: [settings.dataDir, ...sensitiveHomeFolders()],
    isDenied: createDenyMatcher([...defaultDenyPatterns, ...(settings.denyPatterns ?? [])]),
  });
  // A failing baseline is run once more without isolation only where the settings allow it.
  const baselineComparisonChecks =
    settings.baselineCompareUnsandboxed && settings.sandbox === 'bubblewrap'
      ? createCheckRunner({
          timeoutMs: settings.commandTimeoutSeconds * 1000,
          outputLimitBytes: settings.commandOutputLimitBytes,
          scratchDir: path.join(settings.dataDir, 'scratch'),
          sandbox: {
            mode: 'off',
            onUnsandboxedRun: (command) => log.warn('comparing a failing baseline outside the sandbox (MENDER_BASELINE_COMPARE_UNSANDBOXED=true)', { command }),
          },
        })
      : undefined;
  if (settings.sandbox === 'bubblewrap') {
    const sandbox = await detectSandbox();
    if (!sandbox.available) log.warn('commands will be refused until the sandbox works', { reason: sandbox.reason });
  } else {
    log.warn('MENDER_SANDBOX=off: test and build commands run without isolation');
  }
  // Settings changed in the dashboard win over the environment and the file, from the first step on.
  const autonomyGate = new AutonomyGate(policy, new AutonomyPeriods(store.db, clock));
  const runtimeSettings = new RuntimeSettings(settings, config.sources, new SettingOverrideStore(store.db, hub), autonomyGate);
  await runtimeSettings.applyStored(log);
  await autonomyGate.recordStartingLevel(settings.autonomyLevel, runtimeSettings.sourceOf('autonomyLevel'), log);
  const control = new AgentControl(store.db, hub);
  await control.load();
  if (control.paused) log.warn('mender starts paused: no step runs until `mender resume`', { ...control.status() });
  // On a shared server the kill switch may be thrown by another process (`mender pause` reaches a web one).
  const stopFollowingPause =
    store.kind === 'postgres' ? control.follow(1_000, (error) => log.warn('could not read the pause switch', { error: (error as Error).message })) : undefined;
  // — MCP —
  const toolCallApprovals = new ToolCallApprovals(store.db, operations, {
    timeoutMs: settings.mcpApprovalTimeoutSeconds * 1000,
    redactValue: redactor.redactValue,
  });
  const externalTools =
    operatorMcpConfig || settings.mcpTrustRepoConfig
      ? new ExternalTools({
          operatorConfig: operatorMcpConfig,
          trustRepositoryConfig: settings.mcpTrustRepoConfig,
          policy: { allow: settings.mcpAllowTools, deny: settings.mcpDenyTools },
          approvals: toolCallApprovals,
          callTimeoutMs: settings.mcpCallTimeoutSeconds * 1000,
          log,
        })
      : undefined;
  if (operatorMcpConfig)
    log.info('external MCP servers configured (started on first use)', {
      file: operatorMcpConfig.file,
      servers: operatorMcpConfig.servers.map((server) => server.name),
    });
  log.info('policy loaded', { source: policy.current.source, rules: policy.current.rules.length, hash: policy.current.hash.slice(0, 12) });
  const deployments = new DeploymentStore(store.db, queue, hub, redactor);
  const deployTargets = new DeployTargets(path.join(settings.dataDir, 'deploy'));
  const deployRunner = new DeployRunner(
    {
      settings,
      deployments,
      operations,
      repos,
      targets: deployTargets,
      // Mender's own ingest answers: the error groups each release reported (SENTRY_RELEASE = the commit).
      releaseErrors: {
        fingerprints: (query) => releaseFingerprints(store.db, query),
        knownBefore: (query) => fingerprintsBefore(store.db, query),
      },
      policy,
      gateFacts: gateFactQueries(store.db),
      log,
      now: () => clock().getTime(),
    },
    queue,
  );
  const pipeline = new Pipeline(
    {
      settings,
      operations,
      repos,
      checkouts: new ProcessCheckouts({
        dataFolderId,
        cacheFolder: path.join(settings.dataDir, 'repo-cache'),
        remoteForgeOf: (repoId) => forge.remoteForgeOf(repoId),
        log,
      }),
      worktrees,
      checks,
      baselineComparisonChecks,
      forge,
      redactor,
      modelFor: (role) => modelForRole(role, settings),
      metrics,
      log,
      control,
      fileRateLimiter: createRateLimiter({ limit: settings.fileOperationsPerMinute, windowMs: 60_000 }),
      agentExtensions: createAgentExtensionsSource({ settings, externalTools, timeline: operations, log }),
      policy,
      gateFacts: gateFactQueries(store.db),
      // Mender's own repository's merges become self-updates; every other one's are shipped.
      delivery: new SelfDelivery({ operations, repos, supervisor }, deployRunner),
    },
    queue,
  );

  for (const { self, ...repo } of config.repos) {
    if (self) await registerSelfRepo(repos, { checkout: repo.path, name: repo.name, commands: repo.commands }, { dataDir: settings.dataDir });
    else await registerRepo(repos, { ...repo, source: 'config' }, { replace: true, dataDir: settings.dataDir });
  }
  // Worktrees are disposable: whatever is on disk from a previous process is rebuilt on demand.
  // On a shared server other processes may be working in theirs (a shared data folder): keep those.
  const pruned = await worktrees.prune(
    (await repos.list()).flatMap((repo) => [repo.path, path.join(settings.dataDir, 'repo-cache', repo.name)]),
    store.kind === 'pglite' ? new Set() : await liveOperationIds(operations),
  );
  if (pruned.length) log.info('removed stale worktrees', { count: pruned.length });

  pipeline.start();
  await deployRunner.start(settings.deployingConcurrency);
  const selfUpdates = new SelfUpdateOutcomes({ db: store.db, operations, hub, queue, redactor, supervisor, log });
  selfUpdates.start();
  const sessions = new SessionStore(store.db, { ttlMs: () => settings.sessionTtlMinutes * 60_000, now: clock });
  const setupTokens = new SetupTokenStore(store.db, clock);
  const signInThrottle = new SignInThrottle(store.db, { now: clock });
  for (const instance of remoteForges.instances) instance.start();
  const inbox = new WebhookInbox(store.db, queue, log, { concurrency: settings.webhooksConcurrency });
  // Webhook processors are registered before the inbox starts taking deliveries.
  const integrations = startIntegrations({ settings, db: store.db, hub, inbox, pipeline, operations, repos, forge, control, deployments: deployRunner, log });
  for (const instance of remoteForges.instances) inbox.handle(instance.id, instance.webhookProcessor({ pipeline, operations, repos, settings, log }));
  inbox.start();
  const decisionLock = store.kind === 'postgres' ? databaseLock(store.db, advisoryLockIds.detectionDecisions) : inProcessLock();
  // On a shared data folder each web process appends to an ingest spool of its own, held by a lock that ends with the process.
  const sessionLocks = settings.databaseUrl
    ? postgresSessionLocks(settings.databaseUrl, (error) => log.warn('the connection holding the session locks ended', { error: error.message }))
    : undefined;
  const detection = new DetectionService({ db: store.db, queue, hub, starter: pipeline, settings, log, redact: redactor.redact, decisionLock, sessionLocks });
  await detection.start({ intake: role !== 'worker' });
  if (role !== 'worker') selfErrors.attach(detection, repos);
  registerDetectionMetrics(metrics.registry, store.db);
  const isReady = () => started;
  let stopping = false;
  const isStopping = () => stopping;
  const app =
    role === 'worker'
      ? createWorkerApp({ db: store.db, users, sessions, settings, registry: metrics.registry, isReady, isStopping, queuePing: queueBackend.ping, log })
      : createApp({
          db: store.db,
          pipeline,
          operations,
          repos,
          users,
          forge,
          remoteRepositories: remoteForges.remoteRepositories,
          gitRemoteRepositories: gitRemote.repositories,
          repoPlacement: { dataFolderId, liveWorkersElsewhere: () => presence.liveWorkersElsewhere() },
          forgeProviders,
          hub,
          metrics,
          control,
          settings,
          isReady,
          isStopping,
          queuePing: queueBackend.ping,
          queueCounts: (name) => queue.counts(name),
          inbox,
          sessions,
          setupTokens,
          signInThrottle,
          runtimeSettings,
          autonomyGate,
          policy,
          mcp: { checks, redactor, toolCallApprovals, worktrees },
          detection,
          deployments: { runner: deployRunner, store: deployments },
          supervisor,
          log,
        });
  if (!isLoopbackAddress(settings.host)) {
    if (!settings.publicUrl?.startsWith('https:'))
      log.warn(
        'listening beyond loopback over plain http: tokens, passwords and session cookies cross the network readable; put Mender behind https and set MENDER_PUBLIC_URL to its https address',
        { host: settings.host },
      );
    if (!settings.publicUrl && !settings.allowedHosts?.length)
      log.warn(
        'listening beyond loopback without MENDER_PUBLIC_URL or MENDER_ALLOWED_HOSTS: any Host header is accepted, so a rebinding DNS name can reach the routes that need no token; set one of them',
        { host: settings.host },
      );
  }
  let server: ServerType | undefined;
  let port = settings.port;
  if (options.listen !== false) {
    server = await new Promise<ServerType>((resolve, reject) => {
      const requestTimeoutMs = settings.requestTimeoutSeconds * 1000;
      // Node checks the timeouts every connectionsCheckingInterval (30 s by default): often enough to honour short ones.
      const serverOptions = {
        requestTimeout: requestTimeoutMs,
        headersTimeout: Math.min(requestTimeoutMs, 30_000),
        connectionsCheckingInterval: Math.min(requestTimeoutMs / 2, 30_000),
      };
      const address = options.listenAddress ?? { host: settings.host, port: settings.port };
      const created = serve({ fetch: app.fetch, hostname: address.host, port: address.port, serverOptions }, (info) => {
        port = info.port;
        resolve(created);
      });
      created.once('error', reject);
    });
  }
  // Folders the services made as they started (worktrees, scratch) follow the data folder's rule.
  tightenTree(settings.dataDir);
  // Under the supervisor people reach Mender on the supervisor's port, not this private one.
  const publicPort = options.listenAddress ? (supervisor.state()?.supervisor.port ?? port) : port;
  if (role !== 'worker')
    await announceSetupLink({
      setupTokens,
      log,
      print: options.logWrite ?? ((line) => void process.stderr.write(line)),
      host: settings.host,
      port: publicPort,
    });
  started = true;
  const url = `http://${settings.host}:${port}`;
  log.info('mender ready', {
    url,
    role,
    ...(role === 'web' ? {} : { worker: workerId, queues: settings.workerQueues }),
    dataDir: settings.dataDir,
    dataFolderId,
    database: store.kind,
    model: settings.model ?? 'not configured',
  });
  return {
    url,
    port,
    adminToken,
    store,
    app,
    recheckWaits: () => pipeline.recheckWaits(),
    deploys: { runner: deployRunner, store: deployments },
    stop: async () => {
      stopping = true;
      // A worker drains first, answering its probes and following the kill switch meanwhile.
      if (role === 'worker') await queue.close();
      // Event streams never end by themselves: they end now, and their clients resume elsewhere.
      hub.close();
      await relay?.stop();
      await new Promise<void>((resolve) => {
        if (!server) return resolve();
        const node = server as { closeAllConnections?: () => void; closeIdleConnections?: () => void };
        const cut = setTimeout(() => node.closeAllConnections?.(), options.drainRequestsMs ?? 0);
        // A keep-alive connection turns idle once its answer is out: closed then, not at the cut.
        const idle = setInterval(() => node.closeIdleConnections?.(), 20);
        server.close(() => {
          clearTimeout(cut);
          clearInterval(idle);
          resolve();
        });
        node.closeIdleConnections?.();
      });
      stopFollowingPause?.();
      await integrations.stop();
      await selfUpdates.stop();
      await selfErrors.detach();
      await detection.stop();
      await queue.close();
      await deployTargets.close();
      await externalTools?.close();
      for (const instance of remoteForges.instances) await instance.stop();
      await presence.stop().catch(() => undefined);
      await store.close();
    },
  } as RunningMender & { app: typeof app };
}

/** The ids a job's payload names (operationId, deploymentId, …): what a log line of it may show. */
function idsOf(payload: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(payload).filter((entry): entry is [string, string] => entry[0].endsWith('Id') && typeof entry[1] === 'string'));
}

/** Worktree names of operations not ended yet (theirs and their planning's): another process may be in them. */
async function liveOperationIds(operations: OperationStore): Promise<Set<string>> {
  return new Set((await operations.nonTerminal()).flatMap((operation) => [operation.id, `${operation.id}-planning`]));
}

/** MENDER_MCP_CONFIG, else `.mcp.json` in the working folder when there is one. */
function readOperatorMcpConfig(configured: string | undefined, env: NodeJS.ProcessEnv): McpConfigFile | undefined {
  const file = configured ? path.resolve(configured) : fs.existsSync('.mcp.json') ? path.resolve('.mcp.json') : undefined;
  if (!file) return undefined;
  try {
    return readMcpConfig(file, 'operator', env);
  } catch (error) {
    if (error instanceof McpConfigError) throw new ConfigError(error.message);
    throw error;
  }
}

function readOrCreateToken(file: string): string {
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const token = crypto.randomBytes(24).toString('base64url');
  fs.writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}

/** Credentials in Mender's own home that no repository's tests have any business reading. */
export function sensitiveHomeFolders(): string[] {
  const home = os.homedir();
  return ['.ssh', '.aws', '.gnupg', '.docker', '.kube', '.config', '.azure', '.npm', '.mender', '.netrc', '.npmrc', '.pypirc', '.git-credentials'].map((name) =>
    path.join(home, name),
  );
}
