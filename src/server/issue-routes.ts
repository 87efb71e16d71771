import type { Hono } from 'hono';
import { z } from 'zod';
import type { DetectionService } from '../detect/detection-service.ts';
import { getIssue, listIssues, resolveIssue } from '../detect/issue-views.ts';
import { writeIssueEvent } from '../detect/issue-events.ts';
import { projectDsn } from '../detect/project-store.ts';
import { severities } from '../detect/severity-rules.ts';
import type { Settings } from '../config/settings-schema.ts';
import type { Database } from '../store/database.ts';
import type { EventHub } from '../store/event-hub.ts';
import type { RepoStore } from '../store/repo-store.ts';
import { roleAtLeast, type Role } from '../domain/roles.ts';
import type { AppEnvironment } from './authenticate.ts';
import { HttpError } from '../http/http-error.ts';
import { parseBody, parseQuery } from './parse-request.ts';
import { requireRole } from './require-role.ts';

export interface IssueRouteServices {
  db: Database;
  hub: EventHub;
  repos: RepoStore;
  settings: Settings;
  detection: DetectionService;
}

const issueStatuses = ['detected', 'diagnosing', 'fixing', 'fixed', 'fix_failed', 'failed', 'resolved', 'regressed'] as const;
const listQuery = z.object({
  status: z.enum(issueStatuses).optional(),
  severity: z.enum(severities).optional(),
  repo: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
const createProjectBody = z
  .object({
    name: z.string().regex(/^[a-zA-Z0-9._-]{1,64}$/, 'use 1–64 letters, digits, dot, dash or underscore'),
    repo: z.string().min(1, 'name a registered repository'),
    rateLimitPerMinute: z.number().int().positive().optional(),
  })
  .strict();

/** A project in `GET/POST /api/projects`; the server key and DSN only for admins. */
export interface ProjectView {
  id: number;
  name: string;
  repo: string;
  publicKey: string;
  dsn: string;
  serverKey?: string;
  serverDsn?: string;
  rateLimitPerMinute: number;
  createdAt: string;
}

/** Projects (DSNs), detected issues and the detection backlog; behind the bearer token like all of /api. */
export function registerIssueRoutes(app: Hono<AppEnvironment>, services: IssueRouteServices): void {
  const { db, detection } = services;
  const baseUrl = (requestUrl: string) => services.settings.detectPublicUrl ?? new URL(requestUrl).origin;
  // The server key is a secret (back ends only): admins see it, everyone else the public DSN.
  const projectView = (project: Awaited<ReturnType<typeof detection.projects.list>>[number], requestUrl: string, role: Role): ProjectView => ({
    id: project.id,
    name: project.name,
    repo: project.repoName,
    publicKey: project.publicKey,
    dsn: projectDsn(project, baseUrl(requestUrl)),
    ...(roleAtLeast(role, 'admin') ? { serverKey: project.serverKey, serverDsn: projectDsn(project, baseUrl(requestUrl), project.serverKey) } : {}),
    rateLimitPerMinute: project.rateLimitPerMinute ?? services.settings.detectRateLimitPerMinute,
    createdAt: project.createdAt.toISOString(),
  });

  app.get('/api/projects', async (c) =>
    c.json({ projects: (await detection.projects.list()).map((project) => projectView(project, c.req.url, c.get('actor').role)) }),
  );
  app.post('/api/projects', requireRole('admin', 'may create projects'), async (c) => {
    const actor = c.get('actor');
    const body = await parseBody(c, createProjectBody);
    const repo = await services.repos.byName(body.repo);
    if (!repo) throw new HttpError(404, 'not_found', `repository "${body.repo}" is not registered: add it with \`mender repo add <path>\` first`);
    if (await detection.projects.byName(body.name)) throw new HttpError(409, 'conflict', `a project named "${body.name}" exists already`);
    const project = await detection.projects.create({ name: body.name, repoId: repo.id, rateLimitPerMinute: body.rateLimitPerMinute });
    return c.json(projectView(project, c.req.url, actor.role), 201);
  });

  app.get('/api/detection', async (c) => c.json({ pending: await detection.pending(), ...detection.stats }));

  app.get('/api/issues', async (c) => c.json(await listIssues(db, parseQuery(c, listQuery))));
  app.get('/api/issues/:id', async (c) => {
    const issue = await getIssue(db, c.req.param('id'));
    if (!issue) throw new HttpError(404, 'not_found', `issue ${c.req.param('id')} does not exist: list issues with \`mender issues\``);
    return c.json(issue);
  });
  app.post('/api/issues/:id/resolve', requireRole('team-lead', 'may resolve issues'), async (c) => {
    const actor = c.get('actor');
    const resolved = await resolveIssue(db, c.req.param('id'));
    if (!resolved) throw new HttpError(404, 'not_found', `issue ${c.req.param('id')} does not exist: list issues with \`mender issues\``);
    const recorded = await db.transaction((transaction) =>
      writeIssueEvent(transaction, resolved.id, actor.name, 'issue.resolved', { release: resolved.resolvedRelease }),
    );
    services.hub.publish([recorded]);
    if (resolved.severity === 'P0') await detection.triggers.releaseSuppressed(resolved.id);
    return c.json({ id: resolved.id, status: resolved.status, resolvedRelease: resolved.resolvedRelease });
  });
  // A person's "Start fix" / "Retry fix": the detector's own start (its lock, budget and link to the issue).
  app.post('/api/issues/:id/fix', requireRole('team-lead', 'may start fixes'), async (c) => {
    const started = await detection.triggers.startByHand(c.req.param('id'), c.get('actor'));
    if (started.outcome === 'not_found') throw new HttpError(404, 'not_found', `issue ${c.req.param('id')} does not exist: list issues with \`mender issues\``);
    if (started.outcome === 'refused') throw new HttpError(409, 'conflict', started.message);
    return c.json({ issueId: c.req.param('id'), operationId: started.operationId }, 201);
  });
}
