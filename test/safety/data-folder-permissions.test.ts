import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/load-settings.ts';
import { startMender, type RunningMender } from '../../src/main/start-mender.ts';
import { copyMigratedDatabase } from '../support/pglite-copies.ts';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';

const token = 'permissions-admin-token-0123456789';
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** Every path under `root` (root included) whose mode gives the group or others any access. */
function openToOthers(root: string): string[] {
  const found: string[] = [];
  const walk = (entry: string) => {
    const stat = fs.lstatSync(entry);
    if (stat.isSymbolicLink()) return;
    if (stat.mode & 0o077) found.push(`${(stat.mode & 0o777).toString(8)} ${path.relative(root, entry) || '.'}`);
    if (stat.isDirectory()) for (const name of fs.readdirSync(entry)) walk(path.join(entry, name));
  };
  walk(root);
  return found;
}

async function start(dataDir: string): Promise<{ mender: RunningMender; logs: string[] }> {
  const env = { MENDER_DATA_DIR: dataDir, MENDER_PORT: '0', MENDER_ADMIN_TOKEN: token, MENDER_LOG_LEVEL: 'info', MENDER_SANDBOX: 'off' };
  const logs: string[] = [];
  const mender = await startMender(loadSettings(env, dataDir), { env, listen: false, logWrite: (line) => logs.push(line) });
  return { mender, logs };
}

async function ingestOneEvent(mender: RunningMender, target: TargetRepository): Promise<void> {
  const call = (route: string, body: unknown) =>
    mender.app.request(route, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  expect((await call('/api/repos', { name: 'shop', path: target.path })).status).toBe(201);
  const project = (await (await call('/api/projects', { name: 'shop', repo: 'shop' })).json()) as { id: number; publicKey: string };
  const event = { event_id: 'a'.repeat(32), exception: { values: [{ type: 'TypeError', value: 'x is undefined' }] } };
  const envelope = `${JSON.stringify({ event_id: event.event_id })}\n${JSON.stringify({ type: 'event' })}\n${JSON.stringify(event)}\n`;
  const response = await mender.app.request(`/api/${project.id}/envelope/?sentry_key=${project.publicKey}`, { method: 'POST', body: envelope });
  expect(response.status).toBe(200);
}

describe('the data folder is private to Mender (issue 12, finding 4)', () => {
  it('creates a fresh data folder 0700 with every file and folder under it closed to group and others, after ingesting', async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-permissions-'));
    const target = createTargetRepository();
    cleanups.push(() => fs.rmSync(parent, { recursive: true, force: true }), target.cleanup);
    const dataDir = path.join(parent, 'data');
    const { mender } = await start(dataDir);
    try {
      await ingestOneEvent(mender, target);
    } finally {
      await mender.stop();
    }
    expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(fs.readdirSync(path.join(dataDir, 'db')).length).toBeGreaterThan(0);
    expect(fs.readdirSync(path.join(dataDir, 'ingest-spool')).length).toBeGreaterThan(0);
    expect(openToOthers(dataDir)).toEqual([]);
  }, 120_000);

  it('tightens an existing 0755 folder with 0644 files at start, and says so in the log', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-permissions-'));
    const target = createTargetRepository();
    cleanups.push(() => fs.rmSync(dataDir, { recursive: true, force: true }), target.cleanup);
    await copyMigratedDatabase(path.join(dataDir, 'db'));
    const loosen = (entry: string) => {
      const stat = fs.statSync(entry);
      fs.chmodSync(entry, stat.isDirectory() ? 0o755 : 0o644);
      if (stat.isDirectory()) for (const name of fs.readdirSync(entry)) loosen(path.join(entry, name));
    };
    loosen(dataDir);
    expect(openToOthers(dataDir).length).toBeGreaterThan(100);
    const { mender, logs } = await start(dataDir);
    try {
      expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
      await ingestOneEvent(mender, target);
    } finally {
      await mender.stop();
    }
    expect(openToOthers(dataDir)).toEqual([]);
    const notice = logs
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: string; message: string; dataDir?: string })
      .find((line) => /permissions/.test(line.message));
    expect(notice).toMatchObject({ level: 'warn', dataDir });
  }, 120_000);
});
