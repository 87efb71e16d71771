import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicRoutes } from '../../src/server/session-routes.ts';
import { roleScript, startScriptedModelServer, type ScriptedModelServer } from '../fakes/scripted-model-server.ts';
import { startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { coderReplies, plannerReplies, reviewerReplies } from '../support/scripted-roles.ts';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';
import { createUserAndSignIn, type ApiAnswer, type BrowserSession } from './support/browser-session.ts';

type MinimumRole = 'team-lead' | 'admin';

/**
 * Every mutating /api route and the least role that may call it. A route the app serves that is
 * missing here fails the suite: add it with its role and a happy path below.
 */
const mutatingRoutes: Record<string, MinimumRole> = {
  'POST /api/repos': 'admin',
  'POST /api/operations': 'team-lead',
  'POST /api/operations/:id/approve': 'team-lead',
  'POST /api/operations/:id/reject': 'team-lead',
  'POST /api/operations/:id/request-changes': 'team-lead',
  'POST /api/operations/:id/cancel': 'team-lead',
  'POST /api/operations/:id/rollback': 'team-lead',
  'POST /api/operations/:id/retry': 'team-lead',
  'POST /api/users': 'admin',
  'PATCH /api/users/:name': 'admin',
  'POST /api/agent/pause': 'team-lead',
  'POST /api/agent/resume': 'admin',
  'PATCH /api/settings': 'admin',
  'POST /api/projects': 'admin',
  'POST /api/issues/:id/resolve': 'team-lead',
  'POST /api/issues/:id/fix': 'team-lead',
  'POST /api/integrations/slack/users': 'admin',
  'DELETE /api/integrations/slack/users/:slackUserId': 'admin',
  'POST /api/operations/:id/tool-calls/:callId/approve': 'team-lead',
  'POST /api/operations/:id/tool-calls/:callId/deny': 'team-lead',
  'PUT /api/policy': 'admin',
  'POST /api/policy/reload': 'admin',
  'POST /api/policy/explain': 'team-lead',
  'PATCH /api/repos/:name': 'admin',
  'POST /api/deployments': 'team-lead',
  'POST /api/deployments/:id/approve': 'team-lead',
  'POST /api/deployments/:id/promote': 'team-lead',
  'POST /api/deployments/:id/rollback': 'team-lead',
  'POST /api/deployments/:id/pause': 'team-lead',
  'POST /api/deployments/:id/resume': 'team-lead',
  'POST /api/deployments/:id/cancel': 'team-lead',
  'POST /api/self/enable': 'admin',
  'POST /api/self/rollback': 'admin',
};

/** Sentry SDK routes: they authenticate with the project's DSN key, not a person (test/e2e/detection-ingest.test.ts). */
const dsnKeyRoutes = [
  'POST /api/:projectId/envelope/',
  'POST /api/:projectId/envelope',
  'POST /api/:projectId/store/',
  'POST /api/:projectId/store',
  'POST /api/logs/:projectId',
];

/**
 * Routes whose cookie happy path needs a whole scenario of its own: a waiting MCP tool call
 * (test/e2e/mcp-external-tools.test.ts); a policy file to write and reload, and a waiting plan to explain (test/dashboard-api/policy.test.ts);
 * a repository with deploy settings and deployments in each status (test/dashboard-api/deployments.test.ts);
 * a supervisor to register the checkout of and to roll back (test/dashboard-api/self.test.ts);
 * an issue without an operation at work, then with one (test/e2e/issue-fix-route.test.ts).
 */
const happyPathElsewhere = [
  'POST /api/issues/:id/fix',
  'POST /api/operations/:id/tool-calls/:callId/approve',
  'POST /api/operations/:id/tool-calls/:callId/deny',
  'PUT /api/policy',
  'POST /api/policy/reload',
  'POST /api/policy/explain',
  'PATCH /api/repos/:name',
  'POST /api/deployments',
  'POST /api/deployments/:id/approve',
  'POST /api/deployments/:id/promote',
  'POST /api/deployments/:id/rollback',
  'POST /api/deployments/:id/pause',
  'POST /api/deployments/:id/resume',
  'POST /api/deployments/:id/cancel',
  'POST /api/self/enable',
  'POST /api/self/rollback',
];

const readOnlyMethods = new Set(['GET', 'HEAD', 'ALL', 'OPTIONS']);

function concrete(route: string): { method: string; path: string } {
  const [method, path] = route.split(' ') as [string, string];
  return { method, path: path.replace(/:[a-zA-Z]+/g, 'no-such-id') };
}

describe('CSRF, session expiry and roles on every mutating route', () => {
  let model: ScriptedModelServer;
  let mender: MenderUnderTest;
  let target: TargetRepository;
  let now = Date.parse('2026-03-02T09:00:00Z');
  let expiring: BrowserSession;
  let admin: BrowserSession;
  let lead: BrowserSession;
  let viewer: BrowserSession;

  beforeAll(async () => {
    model = await startScriptedModelServer(roleScript({ planner: plannerReplies, coder: coderReplies(), reviewer: reviewerReplies }));
    mender = await startMenderUnderTest(
      { MENDER_MODEL: 'openai-compatible:scripted-model', MENDER_MODEL_BASE_URL: model.url, MENDER_AUTONOMY_LEVEL: '3' },
      { clock: () => new Date(now) },
    );
    target = createTargetRepository();
    // Signed in 700 minutes before the others: it expires (720 minutes) while theirs still hold.
    expiring = await createUserAndSignIn(mender, 'early', 'admin');
    now += 700 * 60_000;
    admin = await createUserAndSignIn(mender, 'ada', 'admin');
    lead = await createUserAndSignIn(mender, 'lee', 'team-lead');
    viewer = await createUserAndSignIn(mender, 'val', 'viewer');
    now += 21 * 60_000;
  });
  afterAll(async () => {
    await mender?.close();
    await model?.close();
    target?.cleanup();
  });

  it('knows every mutating /api route the app serves (a new route needs its line here)', () => {
    const isPublic = (route: string) => publicRoutes.some((entry) => `${entry.method} ${entry.path}` === route) || dsnKeyRoutes.includes(route);
    const served = [
      ...new Set(
        mender.app.routes
          .filter((route) => !readOnlyMethods.has(route.method) && route.path.startsWith('/api/'))
          .map((route) => `${route.method} ${route.path}`),
      ),
    ];
    const unknown = served.filter((route) => !isPublic(route) && !(route in mutatingRoutes));
    expect(unknown, 'add these routes to mutatingRoutes in test/dashboard-api/role-matrix.test.ts').toEqual([]);
    expect(Object.keys(mutatingRoutes).filter((route) => !served.includes(route))).toEqual([]);
  });

  it.each(Object.keys(mutatingRoutes))('%s refuses a cookie without the CSRF token, a wrong token, an expired session and a viewer', async (route) => {
    const { method, path } = concrete(route);
    const missing = await admin.call(method, path, {}, { csrf: null });
    expect(missing.status).toBe(403);
    expect(missing.json.error.code).toBe('csrf_failed');
    const wrong = await admin.call(method, path, {}, { csrf: `${admin.csrfToken}x` });
    expect(wrong.status).toBe(403);
    expect(wrong.json.error.code).toBe('csrf_failed');
    // Another session's token is no good either.
    const borrowed = await admin.call(method, path, {}, { csrf: lead.csrfToken });
    expect(borrowed.status).toBe(403);
    expect(borrowed.json.error.code).toBe('csrf_failed');
    const expired = await expiring.call(method, path, {});
    expect(expired.status).toBe(401);
    expect(expired.json.error.code).toBe('session_expired');
    const asViewer = await viewer.call(method, path, {});
    expect(asViewer.status).toBe(403);
    expect(asViewer.json.error.code).toBe('forbidden');
    if (mutatingRoutes[route] === 'admin') {
      const asLead = await lead.call(method, path, {});
      expect(asLead.status).toBe(403);
      expect(asLead.json.error.code).toBe('forbidden');
    }
  });

  it('lets each route work through the cookie with the CSRF token, at its least role', { timeout: 300_000 }, async () => {
    const done = new Set<string>();
    const as = (role: MinimumRole) => (role === 'admin' ? admin : lead);
    const call = async (route: string, path: string, body: unknown, expected: number): Promise<ApiAnswer> => {
      const answer = await as(mutatingRoutes[route]!).call(route.split(' ')[0]!, path, body);
      expect(answer.status, `${route}: ${answer.text}`).toBe(expected);
      done.add(route);
      return answer;
    };
    await call('POST /api/repos', '/api/repos', { name: 'cart', path: target.path }, 201);
    await call('POST /api/users', '/api/users', { name: 'new-person', role: 'viewer', password: 'a-long-password-1' }, 201);
    expect((await call('PATCH /api/users/:name', '/api/users/new-person', { role: 'team-lead' }, 200)).json.role).toBe('team-lead');
    await call('PATCH /api/settings', '/api/settings', { maxSteps: 25 }, 200);
    const start = async (type: string, description: string) =>
      (await call('POST /api/operations', '/api/operations', { type, description, repo: 'cart' }, 201)).json.id as string;

    const toApprove = await start('implement', 'total() ignores quantity: multiply price by quantity');
    const toReject = await start('implement', 'total() ignores quantity, second try');
    await mender.waitForStatus(toApprove, ['awaiting_plan_approval']);
    await mender.waitForStatus(toReject, ['awaiting_plan_approval']);
    expect((await call('POST /api/operations/:id/approve', `/api/operations/${toApprove}/approve`, { comment: 'go' }, 200)).json.status).toBe('executing');
    expect((await call('POST /api/operations/:id/reject', `/api/operations/${toReject}/reject`, {}, 200)).json.status).toBe('rejected');
    expect((await call('POST /api/operations/:id/retry', `/api/operations/${toReject}/retry`, undefined, 200)).json.status).toBe('queued');
    await mender.waitForStatus(toReject, ['awaiting_plan_approval']);
    expect(
      (await call('POST /api/operations/:id/request-changes', `/api/operations/${toReject}/request-changes`, { comment: 'smaller please' }, 200)).json.status,
    ).toBe('planning');
    expect((await call('POST /api/operations/:id/cancel', `/api/operations/${toReject}/cancel`, {}, 200)).json.status).toBe('cancelled');

    // Autonomy level 3: the approved plan's change merges by itself, and can be rolled back.
    const merged = await mender.waitForStatus(toApprove, ['done', 'failed']);
    expect(merged.status, merged.failureReason).toBe('done');
    const rollback = await call('POST /api/operations/:id/rollback', `/api/operations/${toApprove}/rollback`, { comment: 'undo' }, 201);
    expect(rollback.json.rollbackOf).toBe(toApprove);
    await lead.call('POST', `/api/operations/${rollback.json.id}/cancel`, {});

    expect((await call('POST /api/agent/pause', '/api/agent/pause', { reason: 'matrix' }, 200)).json.paused).toBe(true);
    expect((await call('POST /api/agent/resume', '/api/agent/resume', undefined, 200)).json.paused).toBe(false);

    await call('POST /api/integrations/slack/users', '/api/integrations/slack/users', { user: 'lee', slackUserId: 'U0LEE' }, 201);
    await call('DELETE /api/integrations/slack/users/:slackUserId', '/api/integrations/slack/users/U0LEE', undefined, 200);
    const project = (await call('POST /api/projects', '/api/projects', { name: 'cart-app', repo: 'cart' }, 201)).json as { id: string; publicKey: string };
    const event = {
      event_id: 'a'.repeat(32),
      level: 'error',
      platform: 'node',
      exception: {
        values: [
          {
            type: 'TypeError',
            value: 'quantity is undefined',
            stacktrace: { frames: [{ filename: 'src/cart.ts', function: 'total', lineno: 3, in_app: true }] },
          },
        ],
      },
    };
    const sent = await mender.app.request(`/api/${project.id}/store/?sentry_key=${project.publicKey}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(event),
    });
    expect(sent.status).toBe(200);
    let issues: { id: string }[] = [];
    for (let waited = 0; issues.length === 0 && waited < 20_000; waited += 100) {
      issues = (await mender.call('GET', '/api/issues')).json.issues;
      if (issues.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await call('POST /api/issues/:id/resolve', `/api/issues/${issues[0]!.id}/resolve`, undefined, 200)).json.status).toBe('resolved');

    expect([...done, ...happyPathElsewhere].sort()).toEqual(Object.keys(mutatingRoutes).sort());
    // The actions are the signed-in people's, not the token's.
    const actors = new Set((await mender.call('GET', '/api/audit?limit=1000')).json.entries.map((entry: { actor: string }) => entry.actor));
    expect(actors).toContain('lee');
    expect(actors).toContain('ada');
  });
});
