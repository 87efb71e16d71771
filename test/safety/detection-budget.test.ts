import { afterEach, describe, expect, it } from 'vitest';
import { startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';

function errorEvent(functionName: string): Record<string, unknown> {
  return {
    event_id: crypto.randomUUID().replace(/-/g, ''),
    level: 'error',
    exception: {
      values: [{ type: 'TypeError', value: `broken in ${functionName}`, stacktrace: { frames: [{ filename: '/srv/app/cart.js', function: functionName, lineno: 3, in_app: true }] } }],
    },
  };
}

function envelope(events: Record<string, unknown>[]): string {
  return `{}\n${events.map((event) => `${JSON.stringify({ type: 'event' })}\n${JSON.stringify(event)}`).join('\n')}\n`;
}

async function eventually<Value>(probe: () => Promise<Value>, accept: (value: Value) => boolean, what: string, timeoutMs = 60_000): Promise<Value> {
  const deadline = Date.now() + timeoutMs;
  let last: Value;
  do {
    last = await probe();
    if (accept(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  } while (Date.now() < deadline);
  throw new Error(`${what}: last seen ${JSON.stringify(last, null, 1).slice(0, 2000)}`);
}

describe('the detector has its own operation budget', () => {
  let mender: MenderUnderTest | undefined;
  let target: TargetRepository | undefined;
  afterEach(async () => {
    await mender?.close();
    target?.cleanup();
  });

  it('public-key events for many issues use up the detector budget, not people’s', async () => {
    target = createTargetRepository();
    // No model: detected operations fail in planning; the budget counts them all the same.
    mender = await startMenderUnderTest({ MENDER_MAX_DETECTOR_OPERATIONS_PER_HOUR: '2', MENDER_MAX_OPERATIONS_PER_HOUR: '2', MENDER_DETECT_RETRY_COOLDOWN_SECONDS: '0' });
    expect((await mender.call('POST', '/api/repos', { name: 'shop', path: target.path })).status).toBe(201);
    const project = (await mender.call('POST', '/api/projects', { name: 'shop', repo: 'shop' })).json as { id: number; publicKey: string };
    const names = ['checkout', 'login', 'search', 'profile'];
    for (const name of names) {
      const response = await mender.app.request(`/api/${project.id}/envelope/?sentry_key=${project.publicKey}`, { method: 'POST', body: envelope(Array.from({ length: 12 }, () => errorEvent(name))) });
      expect(response.status).toBe(200);
    }
    const issues = async () => ((await mender!.call('GET', '/api/issues?limit=500')).json.issues as any[]).filter((item) => names.some((name) => item.title === `TypeError: broken in ${name}`));
    const settled = await eventually(
      issues,
      (items) => items.length === 4 && items.filter((item) => item.operations.length === 1).length === 2 && items.filter((item) => /detector budget/.test(item.statusReason ?? '')).length === 2,
      'two issues get an operation, two are told the detector budget is spent',
    );
    for (const item of settled) expect(item.severity).toBe('P1');
    const waiting = settled.filter((item) => item.operations.length === 0);
    expect(waiting).toHaveLength(2);
    for (const item of waiting) expect(item.statusReason).toMatch(/MENDER_MAX_DETECTOR_OPERATIONS_PER_HOUR/);
    for (const item of waiting) expect(item.status).not.toBe('failed');

    // People's budget is untouched: a person can still start two operations, and only then is refused.
    for (let index = 0; index < 2; index += 1) {
      const started = await mender.call('POST', '/api/operations', { type: 'fix', description: `person's fix ${index}`, repo: 'shop' });
      expect(started.status, started.text).toBe(201);
    }
    const refused = await mender.call('POST', '/api/operations', { type: 'fix', description: 'one too many', repo: 'shop' });
    expect(refused.status).toBe(429);
    expect(refused.text).toMatch(/MENDER_MAX_OPERATIONS_PER_HOUR/);
    expect(((await issues()).filter((item) => item.operations.length > 0))).toHaveLength(2);
  });
});
