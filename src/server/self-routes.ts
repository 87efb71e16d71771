import type { Hono } from 'hono';
import type { Settings } from '../config/settings-schema.ts';
import { HttpError } from '../http/http-error.ts';
import { registerSelfRepo, selfRepo } from '../pipeline/self-repo.ts';
import type { SupervisorPort } from '../pipeline/supervisor-port.ts';
import { appendAudit } from '../store/audit-log.ts';
import type { Database } from '../store/database.ts';
import type { RepoStore } from '../store/repo-store.ts';
import type { AppEnvironment } from './authenticate.ts';
import { parseBody } from './parse-request.ts';
import { requireRole } from './require-role.ts';
import { enableSelfBody, selfRollbackBody } from './self-schemas.ts';
import { describeVersion, unsupervisedAdvice } from '../pipeline/self-summary.ts';
import { selfView, type SelfView } from './self-view.ts';

export interface SelfRouteServices {
  db: Database;
  repos: RepoStore;
  settings: Settings;
  supervisor: SupervisorPort;
}

/** `POST /api/self/enable`: the view with the repository just registered. */
export interface SelfEnabledView extends SelfView {
  registered: { name: string; path: string; defaultBranch: string };
}

/** `POST /api/self/rollback`: what was asked of the supervisor. */
export interface SelfRollbackView extends SelfView {
  requested: { from: string; to: string };
}

/**
 * Self-maintenance (issue 17) over HTTP: what the supervisor reports (anyone signed in), making
 * the running checkout the self repository, and going back to the previous version (admins).
 * The supervisor does the work; these routes ask it and write the request to the audit log.
 */
export function registerSelfRoutes(app: Hono<AppEnvironment>, services: SelfRouteServices): void {
  const { supervisor } = services;
  const currentView = async () => selfView(supervisor, (await selfRepo(services.repos))?.name ?? null);

  app.get('/api/self', async (c) => c.json(await currentView()));

  app.post('/api/self/enable', requireRole('admin', 'may enable self-maintenance'), async (c) => {
    const { name } = await parseBody(c, enableSelfBody, true);
    if (!supervisor.supervised || !supervisor.checkout)
      throw new HttpError(409, 'not_supervised', `self-maintenance needs the supervisor: ${unsupervisedAdvice}`);
    const row = await registerSelfRepo(services.repos, { checkout: supervisor.checkout, ...(name ? { name } : {}) }, { dataDir: services.settings.dataDir });
    const actor = c.get('actor');
    await services.db.transaction((transaction) =>
      appendAudit(transaction, {
        actor: actor.name,
        action: 'self.enabled',
        subject: `repo:${row.name}`,
        details: { path: row.path, defaultBranch: row.defaultBranch },
      }),
    );
    const view: SelfEnabledView = { ...(await currentView()), registered: { name: row.name, path: row.path, defaultBranch: row.defaultBranch } };
    return c.json(view);
  });

  app.post('/api/self/rollback', requireRole('admin', 'may roll Mender back'), async (c) => {
    const { comment } = await parseBody(c, selfRollbackBody, true);
    if (!supervisor.supervised) throw new HttpError(409, 'not_supervised', `there is nothing to roll back to: ${unsupervisedAdvice}`);
    const state = supervisor.state();
    if (!state) throw new HttpError(409, 'no_state', 'the supervisor has not sent its state yet: try again in a moment');
    if (!state.previous)
      throw new HttpError(
        409,
        'no_previous_version',
        `there is no previous version to go back to: Mender runs ${describeVersion(state.active)} and no earlier version has been blessed since`,
      );
    const actor = c.get('actor');
    const requested = { from: state.active.commit, to: state.previous.commit };
    await services.db.transaction((transaction) =>
      appendAudit(transaction, {
        actor: actor.name,
        action: 'self.rollback_requested',
        subject: 'self',
        details: { ...requested, ...(comment ? { comment } : {}) },
      }),
    );
    supervisor.requestRollback(actor.name);
    const view: SelfRollbackView = { ...(await currentView()), requested };
    return c.json(view, 202);
  });
}
