import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';
import { rowsOf } from '../../src/store/database.ts';

function envelope(events: Record<string, unknown>[], header: Record<string, unknown> = {}): string {
  const lines = [JSON.stringify(header)];
  for (const event of events) {
    const payload = JSON.stringify(event);
    lines.push(JSON.stringify({ type: 'event', length: Buffer.byteLength(payload) }), payload);
  }
  return `${lines.join('\n')}\n`;
}

function errorEvent(type: string, value: string, functionName: string, line: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    event_id: crypto.randomUUID().replace(/-/g, ''),
    level: 'error',
    exception: {
      values: [
        {
          type,
          value,
          stacktrace: {
            frames: [
              { filename: '/srv/app/server.js', function: 'handle', lineno: 10, in_app: true },
              { filename: '/srv/app/cart.js', module: 'cart', function: functionName, lineno: line, colno: 7, in_app: true },
            ],
          },
        },
      ],
    },
    ...extra,
  };
}

describe('detection ingest over HTTP', () => {
  let mender: MenderUnderTest;
  let target: TargetRepository;
  let project: { id: number; publicKey: string; dsn: string };

  // The inbox is the spool folder: what a refusal must not grow is its bytes on disk.
  const spoolBytes = () => {
    const folder = path.join(mender.dataDir, 'ingest-spool');
    return fs
      .readdirSync(folder)
      .filter((name) => name.endsWith('.spool'))
      .reduce((total, name) => total + fs.statSync(path.join(folder, name)).size, 0);
  };
  const counts = async () => {
    const [row] = rowsOf<{ issues: number }>(await mender.store.db.execute(sql`SELECT count(*)::int AS issues FROM detect_issues`));
    return { inbox: spoolBytes(), issues: Number(row!.issues) };
  };
  const send = (path: string, body: string | Buffer, headers: Record<string, string> = {}) =>
    mender.app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-sentry-envelope', ...headers },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });
  const waitForDigest = async () => {
    for (let tries = 0; tries < 200; tries += 1) {
      if ((await mender.call('GET', '/api/detection')).json.pending === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('digest did not catch up');
  };

  beforeAll(async () => {
    target = createTargetRepository();
    mender = await startMenderUnderTest({ MENDER_DETECT_RATE_LIMIT_PER_MINUTE: '40' });
    expect((await mender.call('POST', '/api/repos', { name: 'shop', path: target.path })).status).toBe(201);
    const created = await mender.call('POST', '/api/projects', { name: 'shop', repo: 'shop' });
    expect(created.status).toBe(201);
    project = created.json;
    expect(project.dsn).toMatch(new RegExp(`^http://${project.publicKey}@[^/]+/${project.id}$`));
  }, 120_000);
  afterAll(async () => {
    await mender?.close();
    target?.cleanup();
  });

  it('refuses a wrong or missing key, an unknown project, malformed and oversized envelopes, and stores none of them', async () => {
    const before = await counts();
    const good = envelope([errorEvent('TypeError', 'x is undefined', 'total', 3)]);
    const wrongKey = await send(`/api/${project.id}/envelope/?sentry_key=0000`, good);
    expect(wrongKey.status).toBe(401);
    expect((await send(`/api/${project.id}/envelope/`, good)).status).toBe(401);
    expect((await send(`/api/9999/envelope/?sentry_key=${project.publicKey}`, good)).status).toBe(404);
    const malformed = await send(`/api/${project.id}/envelope/?sentry_key=${project.publicKey}`, '{"event_id":"1"}\n{not json\n{}');
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { detail: string }).detail).toMatch(/item 1 header is not a JSON object/);
    const brokenEvent = await send(`/api/${project.id}/envelope/?sentry_key=${project.publicKey}`, `{}\n{"type":"event"}\n{"exception":\n`);
    expect(brokenEvent.status).toBe(400);
    const huge = envelope([{ ...errorEvent('Error', 'big', 'total', 1), extra: { blob: 'x'.repeat(1024 * 1024 + 10) } }]);
    expect((await send(`/api/${project.id}/envelope/?sentry_key=${project.publicKey}`, huge)).status).toBe(413);
    // A zip bomb: 64 MiB of zeros gzip to ~64 KiB; inflating stops at the envelope limit.
    const bomb = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024));
    expect((await send(`/api/${project.id}/envelope/?sentry_key=${project.publicKey}`, bomb, { 'content-encoding': 'gzip' })).status).toBe(413);
    expect(await counts()).toEqual(before);
    // The measure sees an accepted envelope: the spool grows by at least its event.
    const probe = envelope([errorEvent('SpoolProbeError', 'probe', 'spoolProbe', 1)]);
    expect((await send(`/api/${project.id}/envelope/?sentry_key=${project.publicKey}`, probe)).status).toBe(200);
    expect(spoolBytes()).toBeGreaterThan(before.inbox + probe.length / 2);
  });

  it('takes the key from X-Sentry-Auth or the envelope dsn, reads gzip, skips item types it does not use, and groups by in-app frames', async () => {
    const first = envelope([errorEvent('TypeError', "Cannot read properties of undefined (reading 'id') for user 42", 'total', 3)], { dsn: project.dsn });
    expect((await send(`/api/${project.id}/envelope/`, zlib.gzipSync(first), { 'content-encoding': 'gzip' })).status).toBe(200);
    const moved = envelope([errorEvent('TypeError', "Cannot read properties of undefined (reading 'id') for user 97", 'total', 48)]);
    const withSession = `${moved}${JSON.stringify({ type: 'session' })}\n${JSON.stringify({ sid: 'abc', status: 'ok' })}\n`;
    expect(
      (
        await send(`/api/${project.id}/envelope/`, withSession, {
          'x-sentry-auth': `Sentry sentry_version=7, sentry_key=${project.publicKey}, sentry_client=test/1`,
        })
      ).status,
    ).toBe(200);
    const other = errorEvent('RangeError', 'quantity out of range', 'addItem', 9);
    expect(
      (await send(`/api/${project.id}/store/?sentry_key=${project.publicKey}`, JSON.stringify(other), { 'content-type': 'application/json' })).status,
    ).toBe(200);
    await waitForDigest();
    const list = (await mender.call('GET', '/api/issues?repo=shop')).json;
    const typeErrors = list.issues.filter((issue: { title: string }) => issue.title.startsWith('TypeError'));
    expect(typeErrors).toHaveLength(1);
    expect(typeErrors[0]).toMatchObject({ count: 2, counts: { m5: 2, h1: 2, h24: 2 }, repo: 'shop', projectId: project.id, status: 'detected' });
    expect(typeErrors[0].histogram).toHaveLength(24);
    expect(typeErrors[0].histogram[23].n).toBe(2);
    const detail = (await mender.call('GET', `/api/issues/${typeErrors[0].id}`)).json;
    expect(detail.grouping.parts).toEqual(['type:TypeError', 'frame:server.js:handle', 'frame:cart:total']);
    expect(detail.grouping.explanation).toMatch(/line and column numbers/);
    expect(detail.samples.map((sample: { exception: { frames: { lineno: number }[] }[] }) => sample.exception[0]!.frames[1]!.lineno)).toEqual([3, 48]);
    expect(list.issues.some((issue: { title: string }) => issue.title === 'RangeError: quantity out of range')).toBe(true);
  });

  it('keeps the first event and the newest of each of the last five batches as samples', async () => {
    const samplesProject = (await mender.call('POST', '/api/projects', { name: 'samples', repo: 'shop' })).json;
    const url = `/api/${samplesProject.id}/envelope/?sentry_key=${samplesProject.publicKey}`;
    // Two events in the first request (one batch): the first becomes 'first', the second 'latest'.
    expect((await send(url, envelope([errorEvent('TypeError', 'a', 'sample', 100), errorEvent('TypeError', 'b', 'sample', 101)]))).status).toBe(200);
    await waitForDigest();
    for (const line of [102, 103, 104, 105, 106, 107]) {
      // Within one batch only the newest event is kept, so line 102 of this pair is never a sample.
      expect((await send(url, envelope([errorEvent('TypeError', 'c', 'sample', line), errorEvent('TypeError', 'd', 'sample', line + 100)]))).status).toBe(200);
      await waitForDigest();
    }
    const issue = (await mender.call('GET', '/api/issues?limit=500')).json.issues.find((row: { projectId: number }) => row.projectId === samplesProject.id);
    expect(issue.count).toBe(14);
    const detail = (await mender.call('GET', `/api/issues/${issue.id}`)).json;
    const lines = detail.samples.map((sample: { kind: string; exception: { frames: { lineno: number }[] }[] }) => [
      sample.kind,
      sample.exception[0]!.frames[1]!.lineno,
    ]);
    expect(lines).toEqual([
      ['first', 100],
      ['latest', 203],
      ['latest', 204],
      ['latest', 205],
      ['latest', 206],
      ['latest', 207],
    ]);
  });

  it('accepts an envelope larger than the 1 MB limit of the rest of /api, within its own limits', async () => {
    const large = (index: number) => ({ ...errorEvent('Error', `large ${index}`, 'large', 1), extra: { blob: 'y'.repeat(900 * 1024) } });
    const response = await send(`/api/${project.id}/envelope/?sentry_key=${project.publicKey}`, envelope([large(1), large(2)]));
    expect(response.status).toBe(200);
  });

  it('answers 429 with Retry-After and X-Sentry-Rate-Limits over the project quota, storing nothing', async () => {
    const before = await counts();
    const events = Array.from({ length: 41 }, (_, index) => errorEvent('Error', `burst ${index}`, 'burst', index));
    const response = await send(`/api/${project.id}/envelope/?sentry_key=${project.publicKey}`, envelope(events));
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(response.headers.get('x-sentry-rate-limits')).toMatch(/^\d+::project$/);
    expect(await counts()).toEqual(before);
  });

  it('does not run the bearer-token check on ingest routes, but still on the rest of /api', async () => {
    const unauthenticated = await mender.app.request('/api/issues');
    expect(unauthenticated.status).toBe(401);
    const ingest = await mender.app.request(`/api/${project.id}/store/?sentry_key=${project.publicKey}`, {
      method: 'POST',
      body: JSON.stringify({ message: 'plain message 7' }),
    });
    expect(ingest.status).toBe(200);
  });
});
