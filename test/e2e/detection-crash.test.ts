import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';
import { freePort, startMenderProcess } from '../support/mender-process.ts';

const token = 'detect-crash-admin-token-42';

const eventsPerEnvelope = 10;

/** Resolves when the process has exited, also when it already had (an 'exit' listener added late never fires). */
function exited(process: ChildProcess): Promise<void> {
  if (process.exitCode !== null || process.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => process.once('exit', () => resolve()));
}

/** Envelope `index`: ten warning-level events sharing a fingerprint of their own, so one issue (P4, no operation) per envelope. */
function envelope(index: number): string {
  const items = Array.from({ length: eventsPerEnvelope }, (_, item) => {
    const event = JSON.stringify({
      event_id: `${index}x${item}`.padStart(32, '0'),
      level: 'warning',
      message: `crash burst event ${index}`,
      fingerprint: [`crash-${index}`],
    });
    return `${JSON.stringify({ type: 'event', length: Buffer.byteLength(event) })}\n${event}`;
  });
  return `{}\n${items.join('\n')}\n`;
}

describe('a SIGKILL during a burst of envelopes', () => {
  let child: ChildProcess | undefined;
  let target: TargetRepository | undefined;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-detect-crash-'));
  let log = '';

  afterAll(() => {
    if (child?.exitCode === null) child.kill('SIGKILL');
    target?.cleanup();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function startProcess(port: number): Promise<string> {
    const env = { PATH: process.env.PATH, HOME: process.env.HOME, MENDER_DATA_DIR: dataDir, MENDER_ADMIN_TOKEN: token, MENDER_SANDBOX: 'off' };
    const started = await startMenderProcess({ env, port, onOutput: (chunk) => (log += chunk) });
    child = started.child;
    return started.url;
  }
  const api = async (url: string, method: string, route: string, body?: unknown) => {
    const response = await fetch(`${url}${route}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as any };
  };

  it('keeps every acknowledged envelope and groups each exactly once after restart', async () => {
    target = createTargetRepository();
    const port = await freePort();
    let url = await startProcess(port);
    expect((await api(url, 'POST', '/api/repos', { name: 'shop', path: target.path })).status).toBe(201);
    const project = (await api(url, 'POST', '/api/projects', { name: 'shop', repo: 'shop' })).json;

    const acknowledged = new Set<number>();
    let sent = 0;
    let next = 0;
    const sender = async () => {
      for (;;) {
        const index = next++;
        sent += 1;
        try {
          const response = await fetch(`${url}/api/${project.id}/envelope/?sentry_key=${project.publicKey}`, { method: 'POST', body: envelope(index) });
          if (response.status === 200) acknowledged.add(index);
          else throw new Error(`status ${response.status}`);
        } catch {
          return; // the process is gone
        }
      }
    };
    let sending = 16;
    const senders = Array.from({ length: sending }, () => sender().finally(() => (sending -= 1)));
    while (acknowledged.size < 200 && sending > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(acknowledged.size, `every sender stopped early: ${log}`).toBeGreaterThanOrEqual(200);
    const killed = exited(child!);
    child!.kill('SIGKILL');
    await Promise.all(senders);
    await killed;
    expect(acknowledged.size).toBeGreaterThanOrEqual(200);

    url = await startProcess(port);
    for (let tries = 0; tries < 600; tries += 1) {
      if ((await api(url, 'GET', '/api/detection')).json.pending === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const issues: { title: string; count: number }[] = [];
    for (let offset = 0; ; offset += 500) {
      const page = (await api(url, 'GET', `/api/issues?limit=500&offset=${offset}`)).json;
      issues.push(...page.issues);
      if (page.issues.length < 500) break;
    }
    const byIndex = new Map(issues.map((issue) => [Number(/crash burst event (\d+)/.exec(issue.title)![1]), issue.count]));
    // Grouped exactly once, and an envelope is stored whole or not at all: every issue counts exactly its envelope's ten events.
    expect(issues.filter((issue) => issue.count !== eventsPerEnvelope)).toEqual([]);
    // Nothing acknowledged is lost; what was in flight at the kill may or may not be there.
    const missing = [...acknowledged].filter((index) => byIndex.get(index) !== eventsPerEnvelope);
    expect(missing).toEqual([]);
    expect(issues.length).toBeLessThanOrEqual(sent);
    const stopped = exited(child!);
    child!.kill('SIGTERM');
    await stopped;
  }, 300_000);
});
