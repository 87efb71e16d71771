import crypto from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { roleScript, type ScriptedModelServer } from '../fakes/scripted-model-server.ts';
import type { MenderUnderTest } from '../support/mender-under-test.ts';
import { startCartPipeline } from '../support/cart-pipeline.ts';
import type { TargetRepository } from '../support/target-repository.ts';
import { plannerReplies } from '../support/scripted-roles.ts';

const clientSecret = 'sentry-client-secret-for-tests';

/** An issue alert as Sentry's integration platform sends it: the event, its exception and frames (oldest first). */
function eventAlert(issueId: string) {
  return {
    action: 'triggered',
    actor: { id: 'sentry', name: 'Sentry', type: 'application' },
    data: {
      triggered_rule: 'New errors in checkout',
      event: {
        event_id: crypto.randomUUID().replaceAll('-', ''),
        issue_id: issueId,
        project: 4505,
        title: "TypeError: Cannot read properties of undefined (reading 'quantity')",
        culprit: 'total(src/cart)',
        url: 'https://sentry.io/api/0/projects/acme/shop-web/events/abc/',
        web_url: `https://sentry.io/organizations/acme/issues/${issueId}/events/abc/`,
        exception: {
          values: [
            {
              type: 'TypeError',
              value: "Cannot read properties of undefined (reading 'quantity')",
              stacktrace: {
                frames: [
                  { filename: 'node_modules/express/lib/router/layer.js', function: 'handle', lineno: 95, in_app: false },
                  { filename: 'src/checkout.ts', function: 'checkout', lineno: 12, colno: 5, in_app: true },
                  { filename: 'src/cart.ts', function: 'total', lineno: 3, colno: 40, in_app: true },
                ],
              },
            },
          ],
        },
      },
    },
    installation: { uuid: 'a8e5d37a-696c-4c54-adb5-b3f28d64c7de' },
  };
}

function signed(resource: string, payload: unknown, options: { secret?: string; timestamp?: number; requestId?: string } = {}) {
  const body = JSON.stringify(payload);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'request-id': options.requestId ?? crypto.randomUUID(),
      'sentry-hook-resource': resource,
      'sentry-hook-timestamp': String(options.timestamp ?? Math.floor(Date.now() / 1000)),
      'sentry-hook-signature': crypto
        .createHmac('sha256', options.secret ?? clientSecret)
        .update(body)
        .digest('hex'),
    },
  };
}

describe('Sentry: an issue alert starts a fix with the stack trace as error context', () => {
  let model: ScriptedModelServer | undefined;
  let mender: MenderUnderTest | undefined;
  let target: TargetRepository | undefined;

  afterEach(async () => {
    await mender?.close();
    await model?.close();
    target?.cleanup();
    model = mender = target = undefined;
  });

  it(
    "creates one fix (source sentry) per alert delivery, with the in-app frames first in the planner's prompt; ignores other resources",
    { timeout: 120_000 },
    async () => {
      // The planner answers; nothing after planning matters here, so the coder hangs.
      ({ model, mender, target } = await startCartPipeline(roleScript({ planner: plannerReplies, coder: () => ({ hang: true }), reviewer: [] }), {
        MENDER_SENTRY_CLIENT_SECRET: clientSecret,
        MENDER_SENTRY_PROJECT_REPOS: 'shop-web=cart',
      }));
      const send = async (request: { body: string; headers: Record<string, string> }) => {
        const response = await mender!.app.request('/webhooks/sentry', { method: 'POST', headers: request.headers, body: request.body });
        return { status: response.status, json: await response.json() };
      };

      const alert = signed('event_alert', eventAlert('4711'));
      expect(await send(alert)).toEqual({ status: 200, json: { ok: true, duplicate: false } });
      expect(await send(alert)).toEqual({ status: 200, json: { ok: true, duplicate: true } });
      // Installation and metric alerts are not Mender's business: acknowledged, not stored.
      expect(await send(signed('installation', { action: 'created', data: { installation: {} } }))).toMatchObject({
        status: 200,
        json: { ignored: expect.stringContaining('installation') },
      });

      const [operation] = await vi.waitFor(
        async () => {
          const operations = (await mender!.call('GET', '/api/operations')).json.operations;
          expect(operations).toHaveLength(1);
          return operations;
        },
        { timeout: 20_000, interval: 100 },
      );
      const detail = (await mender.call('GET', `/api/operations/${operation.id}`)).json;
      expect(detail).toMatchObject({ source: 'sentry', type: 'fix', createdBy: 'sentry', repo: 'cart' });
      expect(detail.errorContext.message).toBe("TypeError: Cannot read properties of undefined (reading 'quantity')");
      // Most recent call first, the application's own frames only.
      expect(detail.errorContext.stack).toBe(
        "TypeError: Cannot read properties of undefined (reading 'quantity')\n    at total (src/cart.ts:3:40)\n    at checkout (src/checkout.ts:12:5)",
      );
      expect(detail.errorContext.logs).toContain('https://sentry.io/organizations/acme/issues/4711/');

      // The planner saw the stack, and its repository map starts with the file the stack names.
      const planner = await vi.waitFor(
        () => model!.requests.find((request) => request.role === 'planner') ?? Promise.reject(new Error('no planner call yet')),
        { timeout: 30_000 },
      );
      const prompt = JSON.stringify(planner.body);
      expect(prompt).toContain('at total (src/cart.ts:3:40)');
      expect(prompt.indexOf('src/cart.ts')).toBeLessThan(prompt.indexOf('test/'));

      // A second alert for the same Sentry issue while the fix is under way starts nothing new.
      await send(signed('event_alert', eventAlert('4711')));
      const deliveries = await vi.waitFor(
        async () => {
          const listed = (await mender!.call('GET', '/api/integrations/deliveries?source=sentry')).json.deliveries;
          expect(listed.map((item: { status: string }) => item.status)).toEqual(['processed', 'processed']);
          return listed as { outcome: string }[];
        },
        { timeout: 20_000, interval: 100 },
      );
      // The outcome names the status the fix had when the alert was processed.
      expect(deliveries[0]!.outcome).toMatch(
        new RegExp(`^ignored: Sentry issue 4711 is already being worked on by ${operation.id} \\((planning|executing|verifying)\\)$`),
      );
      expect((await mender.call('GET', '/api/operations')).json.operations).toHaveLength(1);
    },
  );
});
