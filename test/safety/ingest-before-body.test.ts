import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';

/** A body that sends a first chunk and then never ends: a handler that reads it never answers. */
function endlessBody(): ReadableStream<Uint8Array> {
  let pulls = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulls += 1;
      if (pulls === 1) return controller.enqueue(new TextEncoder().encode('{"event_id":"'));
      return new Promise<void>(() => undefined);
    },
  });
  return body;
}

describe('ingest checks the project key before it reads the body (issue 12, finding 8)', () => {
  let mender: MenderUnderTest;
  let target: TargetRepository;
  let project: { id: number; publicKey: string };

  beforeAll(async () => {
    target = createTargetRepository();
    mender = await startMenderUnderTest();
    expect((await mender.call('POST', '/api/repos', { name: 'shop', path: target.path })).status).toBe(201);
    project = (await mender.call('POST', '/api/projects', { name: 'shop', repo: 'shop' })).json;
  }, 120_000);
  afterAll(async () => {
    await mender?.close();
    target?.cleanup();
  });

  const post = (route: string, body: ReadableStream<Uint8Array> | string, headers: Record<string, string> = {}) =>
    mender.app.request(route, { method: 'POST', body, headers, duplex: 'half' } as RequestInit);

  it('refuses a wrong key in ?sentry_key= or X-Sentry-Auth without waiting for the body', async () => {
    for (const kind of ['envelope', 'store']) {
      const byQuery = endlessBody();
      const response = await post(`/api/${project.id}/${kind}/?sentry_key=not-the-key`, byQuery);
      expect(response.status, kind).toBe(401);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_key');
      const byHeader = endlessBody();
      expect((await post(`/api/${project.id}/${kind}/`, byHeader, { 'x-sentry-auth': 'Sentry sentry_key=not-the-key, sentry_version=7' })).status, kind).toBe(
        401,
      );
    }
    const logs = endlessBody();
    expect((await post(`/api/logs/${project.id}?sentry_key=not-the-key`, logs)).status).toBe(401);
  });

  it('refuses a store request with no key at all without waiting for the body (its key cannot be inside)', async () => {
    const response = await post(`/api/${project.id}/store/`, endlessBody());
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('missing_key');
  });

  it('reads an envelope whose key is only in its header "dsn" within a small bound, and says how to send more', async () => {
    const dsn = `http://${project.publicKey}@127.0.0.1/${project.id}`;
    const event = { event_id: 'b'.repeat(32), message: 'keyless', extra: { blob: 'x'.repeat(300 * 1024) } };
    const big = `${JSON.stringify({ event_id: event.event_id, dsn })}\n${JSON.stringify({ type: 'event' })}\n${JSON.stringify(event)}\n`;
    const refused = await post(`/api/${project.id}/envelope/`, big);
    expect(refused.status).toBe(413);
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/sentry_key/);
    // With the key where it can be checked first, the same envelope is taken.
    expect((await post(`/api/${project.id}/envelope/?sentry_key=${project.publicKey}`, big)).status).toBe(200);
    const small = { event_id: 'c'.repeat(32), message: 'keyless and small' };
    const envelope = `${JSON.stringify({ event_id: small.event_id, dsn })}\n${JSON.stringify({ type: 'event' })}\n${JSON.stringify(small)}\n`;
    expect((await post(`/api/${project.id}/envelope/`, envelope)).status).toBe(200);
  });
});
