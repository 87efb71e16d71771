import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';

// The issues list leads with what matters most: severity first (P0 first), then the latest seen.
function envelope(events: Record<string, unknown>[]): string {
  const lines = [JSON.stringify({})];
  for (const event of events) {
    const payload = JSON.stringify(event);
    lines.push(JSON.stringify({ type: 'event', length: Buffer.byteLength(payload) }), payload);
  }
  return `${lines.join('\n')}\n`;
}

const event = (level: string, type: string, value: string, functionName: string) => ({
  event_id: crypto.randomUUID().replace(/-/g, ''),
  level,
  exception: {
    values: [{ type, value, stacktrace: { frames: [{ filename: '/srv/app/cart.js', function: functionName, lineno: 10, in_app: true }] } }],
  },
});

describe('the order of detected issues', () => {
  let mender: MenderUnderTest;
  let target: TargetRepository;
  let project: { id: number; publicKey: string };

  beforeAll(async () => {
    target = createTargetRepository();
    mender = await startMenderUnderTest({ MENDER_DETECT_RATE_LIMIT_PER_MINUTE: '100' });
    expect((await mender.call('POST', '/api/repos', { name: 'shop', path: target.path })).status).toBe(201);
    project = (await mender.call('POST', '/api/projects', { name: 'shop', repo: 'shop' })).json;
  }, 120_000);

  afterAll(async () => {
    await mender?.close();
    target?.cleanup();
  });

  const send = async (events: Record<string, unknown>[]) => {
    const response = await mender.app.request(`/api/${project.id}/envelope/?sentry_key=${project.publicKey}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-sentry-envelope' },
      body: envelope(events),
    });
    expect(response.status).toBe(200);
    for (let tries = 0; tries < 200 && (await mender.call('GET', '/api/detection')).json.pending !== 0; tries += 1)
      await new Promise((resolve) => setTimeout(resolve, 50));
  };

  it('lists a P1 above P3 and P4 issues seen after it, and equal severities by last seen', async () => {
    // A burst of a new error (P1), then a single error (P3), then a warning (P4), each later than the one before.
    await send(Array.from({ length: 12 }, () => event('error', 'TypeError', 'total is not a function', 'burst')));
    await send([event('error', 'RangeError', 'quantity out of range', 'single')]);
    await send([event('warning', 'DeprecationWarning', 'price() is deprecated', 'warned')]);
    await send([event('error', 'SyntaxError', 'unexpected token', 'later')]);
    const { issues } = (await mender.call('GET', '/api/issues')).json as { issues: { title: string; severity: string; lastSeen: string }[] };
    expect(issues.map((issue) => issue.severity)).toEqual(['P1', 'P3', 'P3', 'P4']);
    // Among the P3s, the one seen last comes first.
    expect(issues[1]!.title).toContain('SyntaxError');
  });
});
