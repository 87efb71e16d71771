import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';

describe('HTTP details from the security review (issue 12, finding 10)', () => {
  let mender: MenderUnderTest;
  let target: TargetRepository;

  beforeAll(async () => {
    target = createTargetRepository();
    mender = await startMenderUnderTest({ MENDER_MAX_OPERATIONS_PER_HOUR: '1' });
    expect((await mender.call('POST', '/api/repos', { name: 'cart', path: target.path })).status).toBe(201);
  }, 120_000);
  afterAll(async () => {
    await mender?.close();
    target?.cleanup();
  });

  it('takes the Bearer scheme in any letter case (RFC 7235: schemes are case-insensitive)', async () => {
    for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) {
      const response = await mender.call('GET', '/api/repos', undefined, { authorization: `${scheme} ${adminToken}` });
      expect(response.status, `scheme ${scheme}`).toBe(200);
    }
    // Another scheme is still refused, and so is a token glued to the scheme.
    expect((await mender.call('GET', '/api/repos', undefined, { authorization: `Basic ${adminToken}` })).status).toBe(401);
    expect((await mender.call('GET', '/api/repos', undefined, { authorization: `Bearer${adminToken}` })).status).toBe(401);
  });

  it('answers the operation budget 429 with Retry-After in seconds', async () => {
    const body = { type: 'fix', description: 'quantities are ignored', repo: 'cart' };
    expect((await mender.call('POST', '/api/operations', body)).status).toBe(201);
    const response = await mender.app.request('/api/operations', {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(429);
    const retryAfter = response.headers.get('retry-after');
    expect(retryAfter).toMatch(/^\d+$/);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeLessThanOrEqual(3600);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('budget_exceeded');
  });
});
