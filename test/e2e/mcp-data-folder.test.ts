import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';

/** Issue 12, finding 3 (the data folder inside a registered repository) and finding 10 (names `.` and `..`). */
let mender: MenderUnderTest;
const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mender-data-folder-')));
const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd, stdio: 'ignore' });

function createCheckout(root: string): void {
  fs.mkdirSync(root, { recursive: true });
  fs.writeFileSync(path.join(root, 'README.md'), 'hello\n');
  git(root, 'init', '-q', '-b', 'main');
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'initial');
}

beforeAll(async () => {
  mender = await startMenderUnderTest({ MENDER_SANDBOX: 'off' });
});
afterAll(async () => {
  await mender?.close();
  fs.rmSync(base, { recursive: true, force: true });
});

describe('registering repositories', () => {
  it("refuses a repository that contains Mender's data folder, naming it, and records nothing", async () => {
    // The data folder itself made a checkout: the repository contains it.
    const dataDir = fs.realpathSync(mender.dataDir);
    createCheckout(dataDir);
    const refused = await mender.call('POST', '/api/repos', { name: 'holds-data', path: dataDir });
    expect(refused.status).toBe(400);
    expect(refused.json.error.message).toContain('data folder');
    expect(refused.json.error.message).toContain(dataDir);
    // Reached through a symbolic link, by real path.
    const link = path.join(base, 'link-to-data');
    fs.symlinkSync(dataDir, link);
    const viaLink = await mender.call('POST', '/api/repos', { name: 'holds-data', path: link });
    expect(viaLink.status).toBe(400);
    expect(viaLink.json.error.message).toContain('data folder');
    const listed = await mender.call('GET', '/api/repos');
    expect(listed.json.repos.map((repo: { name: string }) => repo.name)).not.toContain('holds-data');
  });

  it.each(['.', '..'])('refuses the repository name %j with a clear message', async (name) => {
    const root = path.join(base, `named-${name === '.' ? 'dot' : 'dotdot'}`);
    createCheckout(root);
    const refused = await mender.call('POST', '/api/repos', { name, path: root });
    expect(refused.status).toBe(400);
    expect(refused.json.error.message).toContain('cannot be a repository name');
    const listed = await mender.call('GET', '/api/repos');
    expect(listed.json.repos.map((repo: { name: string }) => repo.name)).not.toContain(name);
  });

  it('still registers an ordinary checkout beside the data folder', async () => {
    const root = path.join(base, 'ordinary');
    createCheckout(root);
    expect((await mender.call('POST', '/api/repos', { name: 'ordinary.repo', path: root })).status).toBe(201);
  });
});
