import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { describePostgres } from '../support/postgres-server.ts';

const password = 'the-right-password-1';

/** A sign-in attempt from `address` (the socket's remote address, as the server sees it). */
async function attempt(mender: MenderUnderTest, name: string, guess: string, address = '198.51.100.1') {
  const response = await mender.app.request(
    '/api/session',
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password: guess }) },
    { incoming: { socket: { remoteAddress: address } } },
  );
  return { status: response.status, retryAfter: Number(response.headers.get('retry-after') ?? 0) };
}

describe('the sign-in throttle counts attempts before the password hash', () => {
  let mender: MenderUnderTest;
  let now = Date.parse('2026-03-02T09:00:00Z');

  beforeAll(async () => {
    mender = await startMenderUnderTest({}, { clock: () => new Date(now) });
    for (const name of ['lee', 'sam', 'kim']) expect((await mender.call('POST', '/api/users', { name, role: 'viewer', password })).status).toBe(201);
  });
  afterAll(async () => {
    await mender?.close();
  });

  it('100 guesses sent together: at most the limit (10) are evaluated, and the right password among them does not sign in once it is hit', async () => {
    const guesses = Array.from({ length: 100 }, (_, index) => (index === 99 ? password : `guess-${index}`));
    const answers = await Promise.all(guesses.map((guess) => attempt(mender, 'lee', guess)));
    const evaluated = answers.filter((answer) => answer.status !== 429);
    expect(evaluated.length).toBeLessThanOrEqual(10);
    expect(answers.filter((answer) => answer.status === 429).length).toBeGreaterThanOrEqual(90);
    // Evaluated or not, the one right guess came after ten others were counted: refused.
    expect(answers[99]!.status).toBe(429);
    expect(answers.some((answer) => answer.status === 200)).toBe(false);
    expect((await attempt(mender, 'lee', password)).status).toBe(429);
  });

  it('failures from one address lock neither another user at that address nor the named user elsewhere for long', async () => {
    for (let index = 0; index < 10; index++) expect((await attempt(mender, 'sam', `wrong-${index}`, '203.0.113.9')).status).toBe(401);
    // Another user behind the same address (a proxy): a short wait at most, then signed in.
    const neighbour = await attempt(mender, 'kim', password, '203.0.113.9');
    if (neighbour.status === 429) {
      expect(neighbour.retryAfter).toBeLessThanOrEqual(60);
      now += neighbour.retryAfter * 1000;
      expect((await attempt(mender, 'kim', password, '203.0.113.9')).status).toBe(200);
    } else expect(neighbour.status).toBe(200);
    // The named user from their own address is not locked out by the guesser's failures.
    expect((await attempt(mender, 'sam', password, '192.0.2.44')).status).toBe(200);
  });

  it('many failures against one name from many addresses: a bounded, growing back-off, never a long lock-out', async () => {
    const waits: number[] = [];
    for (let round = 0; round < 6; round++) {
      let throttled: { status: number; retryAfter: number } | undefined;
      for (let index = 0; index < 200 && !throttled; index++) {
        const answer = await attempt(mender, 'kim', `spray-${round}-${index}`, `10.1.${round}.${index}`);
        if (answer.status === 429) throttled = answer;
        else expect(answer.status).toBe(401);
      }
      expect(throttled, 'the name is throttled at some point').toBeDefined();
      waits.push(throttled!.retryAfter);
      now += throttled!.retryAfter * 1000;
    }
    expect(waits[1]!).toBeGreaterThan(waits[0]!);
    expect(Math.max(...waits)).toBeLessThanOrEqual(5 * 60);
    // After the last wait the real user signs in.
    expect((await attempt(mender, 'kim', password, '192.0.2.45')).status).toBe(200);
  });
});

describePostgres('two Mender processes on one database share the sign-in counts', (getUrl) => {
  let first: MenderUnderTest;
  let second: MenderUnderTest;

  beforeAll(async () => {
    first = await startMenderUnderTest({ DATABASE_URL: getUrl() });
    second = await startMenderUnderTest({ DATABASE_URL: getUrl() });
    expect((await first.call('POST', '/api/users', { name: 'ana', role: 'viewer', password })).status).toBe(201);
  }, 120_000);
  afterAll(async () => {
    await first?.close();
    await second?.close();
  });

  it('guesses split between the two instances are counted together: 10 in all, then both refuse', async () => {
    const guesses = Array.from({ length: 40 }, (_, index) => attempt(index % 2 ? first : second, 'ana', `guess-${index}`));
    const answers = await Promise.all(guesses);
    expect(answers.filter((answer) => answer.status !== 429).length).toBeLessThanOrEqual(10);
    expect((await attempt(first, 'ana', password)).status).toBe(429);
    expect((await attempt(second, 'ana', password)).status).toBe(429);
  });
});
