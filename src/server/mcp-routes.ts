import fs from 'node:fs';
import type { Context, Hono, Next } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { Settings } from '../config/settings-schema.ts';
import type { OperationStore } from '../pipeline/operation-store.ts';
import type { Redactor } from '../safety/redaction.ts';
import { roleAtLeast } from '../domain/roles.ts';
import { createRateLimiter } from '../safety/operation-rate-limit.ts';
import { bearerActor, type AppEnvironment } from './authenticate.ts';
import { HttpError } from '../http/http-error.ts';
import type { RepoStore } from '../store/repo-store.ts';
import type { UserStore } from '../store/user-store.ts';
import type { CheckRunner } from '../workspace/check-runner.ts';
import type { WorktreeManager } from '../workspace/worktree-manager.ts';
import { createMenderMcpServer } from '../mcp/mender-mcp-server.ts';
import { menderVersion } from '../mcp/mender-version.ts';
import { isServedServerName, selfServerName, servedSelfTools, servedServerNames, servedTools, type ServedTool } from '../mcp/served-tools.ts';
import type { Pipeline } from '../pipeline/pipeline.ts';
import { selfRepo } from '../pipeline/self-repo.ts';
import type { SupervisorPort } from '../pipeline/supervisor-port.ts';
import type { Actor } from '../domain/roles.ts';
import type { ToolCallApprovals } from '../mcp/tool-call-approvals.ts';
import { registerToolCallRoutes } from './tool-call-routes.ts';

/** What the MCP routes need besides the app's own services. */
export interface McpServices {
  checks: CheckRunner;
  redactor: Redactor;
  toolCallApprovals: ToolCallApprovals;
  /** Test-runner calls run in a throwaway worktree of the checkout, never in the checkout itself. */
  worktrees: WorktreeManager;
}

export interface McpRouteServices {
  users: UserStore;
  repos: RepoStore;
  operations: OperationStore;
  settings: Settings;
  mcp: McpServices;
  /** The self server's tool creates and decides operations through the pipeline, as the caller. */
  pipeline: Pipeline;
  supervisor: SupervisorPort;
}

const maxBodyBytes = 1024 * 1024;

/**
 * `/mcp/:server?repo=NAME`: Mender's tools over streamable HTTP, rooted at a registered
 * repository's checkout; `/mcp/self` (no repository: always Mender's own) for `self_improve`; and
 * the approval of external tool calls under /api (tool-call-routes.ts).
 *
 * Stateless mode: every POST carries its own bearer token and gets a fresh server and transport.
 * The tools keep no state between calls, so a session would only add a table of live sessions to
 * expire, lose on restart and check against the token on each request. Without sessions there is
 * no server-to-client stream to open (GET) or session to end (DELETE): both answer 405.
 */
export function registerMcpRoutes(app: Hono<AppEnvironment>, services: McpRouteServices): void {
  const rateLimiter = createRateLimiter({ limit: services.settings.fileOperationsPerMinute, windowMs: 60_000 });
  app.use('/mcp/*', authenticateMcp(services.users));
  app.use(
    '/mcp/*',
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: () => {
        throw new HttpError(413, 'payload_too_large', `request body is larger than ${maxBodyBytes} bytes`);
      },
    }),
  );
  app.all('/mcp/:server', async (c) => {
    const server = c.req.param('server');
    if (!isServedServerName(server) && server !== selfServerName)
      throw new HttpError(404, 'not_found', `no MCP server "${server}": use /mcp/${[...servedServerNames, selfServerName].join(', /mcp/')}`);
    if (c.req.method !== 'POST') {
      return c.json(
        {
          jsonrpc: '2.0',
          error: { code: -32000, message: 'Mender serves MCP statelessly: send JSON-RPC with POST; there is no session to stream or delete' },
          id: null,
        },
        405,
        { allow: 'POST' },
      );
    }
    const actor = c.get('actor');
    const served =
      server === selfServerName ? await selfServer(services, actor) : await repositoryServer(c.req.query('repo'), server, services, rateLimiter, actor);
    const mcpServer = createMenderMcpServer({
      server,
      tools: served.tools,
      root: served.root,
      redactor: services.mcp.redactor,
      readOnly: served.readOnly,
      callerKey: `mcp-http-${actor.id}`,
      version: menderVersion,
    });
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await mcpServer.connect(transport);
    try {
      return await transport.handleRequest(c.req.raw);
    } finally {
      await mcpServer.close();
    }
  });

  registerToolCallRoutes(app, services);
}

interface ServedServer {
  tools: ServedTool[];
  root: string;
  readOnly: boolean;
}

/** A tool server jailed to a registered repository's checkout. */
async function repositoryServer(
  repoName: string | undefined,
  server: Parameters<typeof servedTools>[0]['server'],
  services: McpRouteServices,
  rateLimiter: ReturnType<typeof createRateLimiter>,
  actor: Actor,
): Promise<ServedServer> {
  if (!repoName) throw new HttpError(400, 'missing_repo', `name the repository: /mcp/${server}?repo=<registered repository name>`);
  const repo = await services.repos.byName(repoName);
  if (!repo) throw new HttpError(404, 'not_found', `repository "${repoName}" is not registered`);
  let root: string;
  try {
    root = fs.realpathSync(repo.path);
  } catch {
    throw new HttpError(404, 'not_found', `repository ${repo.name} is gone from ${repo.path}: register it again with its new path`);
  }
  const tools = servedTools({
    server,
    root,
    settings: services.settings,
    checks: services.mcp.checks,
    rateLimiter,
    commandOverrides: repo.commands,
    refuseEdits: true,
    throwawayWorktrees: services.mcp.worktrees,
  });
  // Viewers read: the tools that change files or run commands are not even listed for them.
  return { tools, root, readOnly: !roleAtLeast(actor.role, 'team-lead') };
}

/**
 * `self_improve` on Mender's own repository. Listed for viewers too: the tool answers them status
 * and refuses the rest by their role. It reads and writes no files, so its root is only a label.
 */
async function selfServer(services: McpRouteServices, actor: Actor): Promise<ServedServer> {
  const repo = await selfRepo(services.repos);
  const tools = servedSelfTools(
    { pipeline: services.pipeline, operations: services.operations, repos: services.repos, supervisor: services.supervisor },
    actor,
  );
  return { tools, root: repo?.path ?? '', readOnly: false };
}

/**
 * The bearer token, as for /api; unlike /api a viewer may POST here, because MCP sends reads as
 * POSTs too. What a viewer may do is decided by the tools it is offered (read-only).
 */
function authenticateMcp(users: UserStore) {
  return async (c: Context<AppEnvironment>, next: Next) => {
    const actor = await bearerActor(c, users);
    if (!actor)
      throw new HttpError(
        401,
        'unauthorized',
        'missing or unknown bearer token: send Authorization: Bearer <token> (MENDER_ADMIN_TOKEN, <dataDir>/admin-token, or a token from `mender user add`)',
      );
    c.set('actor', actor);
    await next();
  };
}
