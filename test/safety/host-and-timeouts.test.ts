import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';

const started: MenderUnderTest[] = [];
afterEach(async () => {
  for (const mender of started.splice(0)) await mender.close();
});

async function start(env: Record<string, string>): Promise<MenderUnderTest> {
  const mender = await startMenderUnderTest(env);
  started.push(mender);
  return mender;
}

const health = (mender: MenderUnderTest, host: string) => mender.app.request('/health', { headers: { host } });

describe('Host header, public URL and request timeouts (issue 12, finding 9)', () => {
  it('refuses a Host that is neither loopback, the listen address nor an allowed host, with 421 and what to set', async () => {
    const mender = await start({ MENDER_ALLOWED_HOSTS: 'mender.example.com' });
    expect((await health(mender, `127.0.0.1:${mender.port}`)).status).toBe(200);
    expect((await health(mender, 'localhost')).status).toBe(200);
    expect((await health(mender, '[::1]:7420')).status).toBe(200);
    expect((await health(mender, 'mender.example.com')).status).toBe(200);
    const rebound = await health(mender, 'attacker.example:7420');
    expect(rebound.status).toBe(421);
    expect(((await rebound.json()) as { error: { message: string } }).error.message).toMatch(/attacker\.example.*MENDER_ALLOWED_HOSTS/);
  }, 60_000);

  it('allows the public URL host and marks the session cookie Secure when it is https', async () => {
    const mender = await start({ MENDER_PUBLIC_URL: 'https://mender.example.com' });
    // Signing out answers with the session cookie cleared: its attributes are the cookie's.
    const signOut = await mender.app.request('http://mender.example.com/api/session', { method: 'DELETE' });
    expect(signOut.status).toBe(204);
    expect(signOut.headers.get('set-cookie')).toMatch(/mender_session=.*; Secure/i);
  }, 60_000);

  it('warns at start when it listens beyond loopback over plain http without a public URL or allowed hosts', async () => {
    const mender = await start({ MENDER_HOST: '0.0.0.0' });
    const warnings = mender.logs.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { level: string; message: string });
    expect(warnings.some((line) => line.level === 'warn' && /plain http/.test(line.message))).toBe(true);
    expect(warnings.some((line) => line.level === 'warn' && /MENDER_ALLOWED_HOSTS|MENDER_PUBLIC_URL/.test(line.message))).toBe(true);
  }, 60_000);

  it('cuts off a slow body to an unauthenticated route once the request timeout passes', async () => {
    const mender = await start({ MENDER_REQUEST_TIMEOUT_SECONDS: '1' });
    const socket = net.connect(mender.port, '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write(`POST /api/session HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"name":`);
    await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  }, 60_000);
});
