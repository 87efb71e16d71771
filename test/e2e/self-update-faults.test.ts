import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/load-settings.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { Supervisor } from '../../src/supervisor/supervisor.ts';
import type { SelfRevertCause, SelfUpdate } from '../../src/domain/self-update-vocabulary.ts';
import { copyMenderCheckout, type MenderCheckout } from '../support/mender-checkout.ts';
import { freePort } from '../support/mender-process.ts';
import { copyMigratedDatabase } from '../support/pglite-copies.ts';
import { eventually } from '../support/eventually.ts';
import { pollHealth } from '../support/health-poller.ts';
import { jiraIssueEvent, signedJiraRequest } from '../fakes/fake-jira-api.ts';

const token = 'self-faults-admin-token-0123456789';
const jiraSecret = 'self-faults-jira-secret';

/** `text` with `from` replaced; fails when `from` is not there, so a fault can never quietly be no change. */
function replaceOnce(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`the code changed: ${JSON.stringify(from)} is no longer there; update the fault`);
  return text.replace(from, to);
}

/** Bad versions of Mender's own code, each one change on top of the good one. */
const faults: { name: string; cause: SelfRevertCause; change: (read: (file: string) => string) => Record<string, string> }[] = [
  {
    name: 'crashes at start',
    cause: 'crash_at_start',
    change: (read) => ({
      'src/main/start-mender.ts': replaceOnce(
        read('src/main/start-mender.ts'),
        '  const { settings } = config;\n',
        "  const { settings } = config;\n  throw new Error('this version crashes at start');\n",
      ),
    }),
  },
  {
    name: 'crashes a while after it is ready (during probation)',
    cause: 'crash_in_probation',
    change: (read) => ({
      'src/main/supervised-child.ts': replaceOnce(
        read('src/main/supervised-child.ts'),
        "  link.send({ type: 'ready', port: running.port });",
        "  link.send({ type: 'ready', port: running.port });\n  setTimeout(() => process.exit(7), 1500);",
      ),
    }),
  },
  {
    name: 'starts failing /health',
    cause: 'health_failing',
    change: (read) => ({
      // Healthy for its first answers (so it takes the traffic), then 503 for good.
      'src/server/readiness.ts': `let healthAnswers = 0;\n${replaceOnce(
        read('src/server/readiness.ts'),
        "c.json({ status: 'ok' })",
        "(++healthAnswers > 8 ? c.json({ status: 'sick' }, 503) : c.json({ status: 'ok' }))",
      )}`,
    }),
  },
  {
    name: 'ships a migration that breaks the schema',
    cause: 'crash_at_start',
    change: () => ({ 'src/store/migrations/0099_break_the_schema.sql': 'DROP TABLE api_tokens;\n' }),
  },
  {
    name: 'never gets ready',
    cause: 'not_ready',
    change: (read) => ({
      'src/main/start-mender.ts': replaceOnce(
        read('src/main/start-mender.ts'),
        '  const { settings } = config;\n',
        '  const { settings } = config;\n  await new Promise(() => undefined);\n',
      ),
    }),
  },
];

describe('a bad version of Mender is reverted by its supervisor, and nothing acknowledged is lost', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-self-faults-'));
  const dataDir = path.join(root, 'data');
  let checkout: MenderCheckout;
  let supervisor: Supervisor;
  let base: string;
  let project: { id: string; publicKey: string };
  const output: string[] = [];

  const api = async (method: string, route: string, body?: unknown) => {
    const response = await fetch(`${supervisor.url}${route}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as any };
  };

  beforeAll(async () => {
    checkout = copyMenderCheckout(path.join(root, 'mender'));
    base = checkout.git('rev-parse', 'HEAD');
    await copyMigratedDatabase(path.join(dataDir, 'db'));
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      MENDER_DATA_DIR: dataDir,
      MENDER_PORT: String(await freePort()),
      MENDER_ADMIN_TOKEN: token,
      MENDER_SANDBOX: 'off',
      MENDER_LOG_LEVEL: 'warn',
      // Short trials so each bad version shows itself in seconds; the defaults are in docs/self-maintenance.md.
      MENDER_SELF_PROBATION_SECONDS: '30',
      MENDER_SELF_START_TIMEOUT_SECONDS: '20',
      MENDER_SELF_HEALTH_INTERVAL_SECONDS: '1',
      MENDER_SELF_BUILD: 'false',
      MENDER_JIRA_WEBHOOK_SECRET: jiraSecret,
    };
    supervisor = new Supervisor({
      settings: loadSettings(env, root).settings,
      checkout: checkout.folder,
      cwd: root,
      env,
      log: createLogger(
        'warn',
        (text) => text,
        (line) => void output.push(line),
      ),
      write: (line) => void output.push(line),
    });
    await supervisor.start();
    expect((await api('POST', '/api/repos', { path: checkout.folder, name: 'app' })).status).toBe(201);
    project = (await api('POST', '/api/projects', { name: 'probe', repo: 'app' })).json;
    expect(project.publicKey, JSON.stringify(project)).toBeTruthy();
  }, 120_000);

  afterAll(async () => {
    await supervisor?.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it.each(faults)(
    'reverts a version that $name',
    async (fault) => {
      const probe = `Probe${faults.indexOf(fault)}Error`;
      checkout.git('checkout', '-q', '-b', `bad-${fault.cause}-${Date.now()}`, base);
      const read = (file: string) => (fs.existsSync(path.join(checkout.folder, file)) ? fs.readFileSync(path.join(checkout.folder, file), 'utf8') : '');
      const changes = fault.change(read);
      // Each fault really changes the code: a replacement that no longer matches would test nothing.
      for (const [file, content] of Object.entries(changes)) expect(content, file).not.toBe(read(file));
      const commit = checkout.commit(changes, `bad version: ${fault.name}`);
      checkout.git('checkout', '-q', 'main');
      const auditBefore = (await api('GET', '/api/audit/verify')).json;
      expect(auditBefore).toMatchObject({ ok: true });

      // An error sender and a webhook sender run throughout: everything Mender acknowledged must be found afterwards.
      let acknowledged = 0;
      const acknowledgedDeliveries: string[] = [];
      let sending = true;
      const every = async (send: () => Promise<void>) => {
        while (sending) {
          await send().catch(() => undefined);
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      };
      const senders = Promise.all([
        every(async () => {
          const event = { event_id: crypto.randomUUID().replace(/-/g, ''), level: 'error', exception: { values: [{ type: probe, value: 'probe' }] } };
          const body = `{}\n${JSON.stringify({ type: 'event' })}\n${JSON.stringify(event)}\n`;
          const response = await fetch(`${supervisor.url}/api/${project.id}/envelope/?sentry_key=${project.publicKey}`, { method: 'POST', body });
          if (response.status === 200) acknowledged += 1;
          await response.arrayBuffer();
        }),
        every(async () => {
          const identifier = crypto.randomUUID();
          const request = signedJiraRequest(jiraSecret, jiraIssueEvent('SHOP-1', []), identifier);
          const response = await fetch(`${supervisor.url}/webhooks/jira`, { method: 'POST', ...request });
          if (response.status === 200) acknowledgedDeliveries.push(identifier);
          await response.arrayBuffer();
        }),
      ]);
      const poller = pollHealth(supervisor.url, 50, 1000);

      await supervisor.requestUpdate({ commit, operationId: null, requestedBy: 'test' });
      const update = (await eventually(
        () => supervisor.current().history[0],
        (latest: SelfUpdate | undefined) => latest?.commit === commit && latest.phase !== 'probation',
        `the update to ${commit.slice(0, 8)} to end`,
        90_000,
      ))!;
      sending = false;
      await senders;
      const seen = await poller.stop();

      expect(update, update.reason).toMatchObject({ phase: 'reverted', cause: fault.cause });
      // What a person reads first: the bad version's last words (a hung one may have said nothing).
      if (fault.cause.startsWith('crash')) expect(update.logTail).toBeTruthy();
      expect(supervisor.current().active.commit).toBe(base);
      expect(seen.refused).toBe(0);
      expect(seen.bodies.at(-1)).toEqual({ status: 'ok' });
      if (fault.name.includes('migration')) expect(update.restoredBackup).toBe(true);
      // Every acknowledged envelope's event is in the issue's count (one the client saw no answer to
      // may be there too: at least once); the audit chain still verifies.
      expect(acknowledged).toBeGreaterThan(0);
      await eventually(
        async () => (await api('GET', '/api/issues?repo=app&limit=500')).json.issues as { title: string; count: number }[],
        (issues) => issues.filter((issue) => issue.title.includes(probe)).reduce((sum, issue) => sum + Number(issue.count), 0) >= acknowledged,
        `${acknowledged} acknowledged events to be counted`,
        30_000,
      );
      expect(acknowledgedDeliveries.length).toBeGreaterThan(0);
      const stored = new Set(
        ((await api('GET', '/api/integrations/deliveries?source=jira&limit=500')).json.deliveries as { deliveryId: string }[]).map(
          (delivery) => delivery.deliveryId,
        ),
      );
      expect(acknowledgedDeliveries.filter((identifier) => !stored.has(identifier))).toEqual([]);
      expect((await api('GET', '/api/audit/verify')).json).toMatchObject({ ok: true });
      console.log(
        `self-update fault "${fault.name}": reverted (${update.cause}) ${update.timings.faultToServingMs} ms after the fault (target ≤ 60000); ` +
          `longest gap between /health answers ${seen.longestGapMs} ms; ${acknowledged} envelopes and ${acknowledgedDeliveries.length} webhooks acknowledged, all found`,
      );
    },
    180_000,
  );
});
