import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';

/**
 * How a version of Mender lets go when its supervisor hands over to the next one: requests it
 * already took are answered, event streams end (their clients resume elsewhere with
 * Last-Event-ID), and it stops taking new ones at once.
 */
describe('a stop that drains requests', () => {
  let mender: MenderUnderTest;

  beforeAll(async () => {
    mender = await startMenderUnderTest({}, { drainRequestsMs: 5_000 });
  });
  afterAll(async () => {
    await mender?.close().catch(() => undefined);
  });

  it('answers a request in flight, ends event streams and then stops', async () => {
    const address = new URL(mender.url);
    const stream = http.get({ host: address.hostname, port: address.port, path: '/api/events', headers: { authorization: `Bearer ${mender.adminToken}` } });
    const streamEnded = new Promise<void>((resolve) => stream.on('response', (response) => response.on('close', () => resolve()).resume()));
    // A slow upload: half the body now, the rest after the stop began.
    const body = JSON.stringify({ name: 'drained', repo: 'nowhere' });
    let answer: { status: number; text: string } | Error | undefined;
    const upload = http.request({
      host: address.hostname,
      port: address.port,
      path: '/api/projects',
      method: 'POST',
      headers: { authorization: `Bearer ${mender.adminToken}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    const answered = new Promise<void>((resolve) => {
      upload.on('response', (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => {
          answer = { status: response.statusCode ?? 0, text };
          resolve();
        });
      });
      upload.on('error', (error) => {
        answer = error;
        resolve();
      });
    });
    upload.write(body.slice(0, 10));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const stopAsked = Date.now();
    const stopped = mender.stop();
    await new Promise((resolve) => setTimeout(resolve, 300));
    upload.end(body.slice(10));
    await answered;
    await streamEnded;
    await stopped;
    // The request was read to its end and answered (the repository does not exist: a 404 in words).
    expect(answer).toMatchObject({ status: 404 });
    expect(JSON.parse((answer as { text: string }).text).error.message).toContain('repository "nowhere" is not registered');
    // Nothing waited for the cut: the answered connection was closed as soon as it was idle.
    expect(Date.now() - stopAsked).toBeLessThan(4_000);
  });
});
