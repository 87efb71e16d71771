import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { createUserAndSignIn, type BrowserSession } from './support/browser-session.ts';

interface Frame {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

/** A raw HTTP event-stream reader: what a browser's EventSource gets, frame by frame. */
function openStream(url: string, headers: Record<string, string>) {
  const frames: Frame[] = [];
  let status = 0;
  let contentType = '';
  const request = http.get(url, { headers: { accept: 'text/event-stream', ...headers } });
  const opened = new Promise<void>((resolve, reject) => {
    request.on('response', (response) => {
      status = response.statusCode ?? 0;
      contentType = String(response.headers['content-type']);
      let buffer = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        buffer += chunk;
        const parts = buffer.split('\n\n');
        buffer = parts.pop() ?? '';
        for (const part of parts) {
          const frame: Frame = {};
          for (const line of part.split('\n')) {
            if (line.startsWith(':')) frame.comment = line.slice(1).trim();
            else {
              const colon = line.indexOf(':');
              (frame as Record<string, string>)[line.slice(0, colon)] = line.slice(colon + 2);
            }
          }
          frames.push(frame);
        }
        resolve();
      });
      response.on('end', resolve);
    });
    request.on('error', reject);
  });
  const waitFor = async (test: (frame: Frame) => boolean, timeoutMs = 10_000): Promise<Frame> => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = frames.find(test);
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no such frame within ${timeoutMs} ms; got ${JSON.stringify(frames)}`);
  };
  return { frames, opened, waitFor, status: () => status, contentType: () => contentType, close: () => request.destroy() };
}

describe('the event stream for a signed-in browser', () => {
  let mender: MenderUnderTest;
  let lead: BrowserSession;
  let admin: BrowserSession;

  beforeAll(async () => {
    mender = await startMenderUnderTest();
    lead = await createUserAndSignIn(mender, 'lee', 'team-lead');
    admin = await createUserAndSignIn(mender, 'ada', 'admin');
  });
  afterAll(async () => {
    await mender?.close();
  });

  it('streams with the session cookie: pause, resume and settings changes arrive live', async () => {
    const stream = openStream(`${mender.url}/api/events`, { cookie: lead.cookie });
    await stream.opened;
    expect(stream.status()).toBe(200);
    expect(stream.contentType()).toContain('text/event-stream');
    // The stream announces itself at once, before any event.
    expect(stream.frames[0]).toEqual({ comment: 'connected' });
    try {
      expect((await lead.call('POST', '/api/agent/pause', { reason: 'watching the stream' })).status).toBe(200);
      const paused = await stream.waitFor((frame) => frame.event === 'agent.paused');
      expect(JSON.parse(paused.data!)).toMatchObject({
        type: 'agent.paused',
        actor: 'lee',
        operationId: null,
        data: { paused: true, by: 'lee', reason: 'watching the stream' },
      });
      expect((await admin.call('POST', '/api/agent/resume')).status).toBe(200);
      const resumed = await stream.waitFor((frame) => frame.event === 'agent.resumed');
      expect(Number(resumed.id)).toBeGreaterThan(Number(paused.id));
      expect((await admin.call('PATCH', '/api/settings', { maxSteps: 33 })).status).toBe(200);
      const changed = await stream.waitFor((frame) => frame.event === 'settings.changed');
      expect(JSON.parse(changed.data!).data).toEqual({ changes: [{ key: 'maxSteps', old: 40, new: 33 }] });
      // The kill switch is in the audit log as well.
      const actions = (await mender.call('GET', '/api/audit?subject=agent')).json.entries.map(
        (entry: { action: string; actor: string }) => `${entry.action} by ${entry.actor}`,
      );
      expect(actions).toEqual(['agent.paused by lee', 'agent.resumed by ada']);
    } finally {
      stream.close();
    }
  });

  it('resumes after Last-Event-ID for the cookie too, and refuses a signed-out cookie', async () => {
    const first = openStream(`${mender.url}/api/events`, { cookie: lead.cookie });
    await first.opened;
    const paused = await first.waitFor((frame) => frame.event === 'agent.paused');
    first.close();
    const resumed = openStream(`${mender.url}/api/events`, { cookie: lead.cookie, 'last-event-id': paused.id! });
    await resumed.opened;
    try {
      const next = await resumed.waitFor((frame) => frame.event !== undefined);
      expect(next.event).toBe('agent.resumed');
      expect(resumed.frames.some((frame) => frame.event === 'agent.paused')).toBe(false);
    } finally {
      resumed.close();
    }
    const signedOut = await createUserAndSignIn(mender, 'sam', 'viewer');
    expect((await signedOut.call('DELETE', '/api/session')).status).toBe(204);
    const refused = openStream(`${mender.url}/api/events`, { cookie: signedOut.cookie });
    await refused.opened;
    expect(refused.status()).toBe(401);
    refused.close();
  });

  it('sends a heartbeat comment after 15 seconds without events', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const response = await mender.app.request('/api/events?after=999999999', { headers: { cookie: lead.cookie } });
      expect(response.status).toBe(200);
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let text = decoder.decode((await reader.read()).value);
      expect(text).toBe(': connected\n\n');
      vi.advanceTimersByTime(15_000);
      text = decoder.decode((await reader.read()).value);
      expect(text).toBe(': heartbeat\n\n');
      await reader.cancel();
    } finally {
      vi.useRealTimers();
    }
  });
});
