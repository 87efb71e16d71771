import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, expect, it } from 'vitest';
import { openStore, rowsOf } from './database.ts';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) fs.rmSync(folder, { recursive: true, force: true });
});

it('creates a new data folder in a child process, migrates it, and reopens it with what was written', async () => {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-store-'));
  folders.push(parent);
  const directory = path.join(parent, 'nested', 'db');

  const first = await openStore({ directory });
  await first.db.execute(sql`INSERT INTO agent_state (key, value) VALUES ('probe', '"kept"'::jsonb)`);
  const shared = rowsOf<{ setting: string }>(await first.db.execute(sql`SELECT current_setting('shared_buffers') AS setting`));
  await first.close();
  expect(shared[0]?.setting).toBe('16MB');
  expect(fs.existsSync(path.join(directory, 'PG_VERSION'))).toBe(true);
  // Nothing of the child's scratch folder is left next to the data folder.
  expect(fs.readdirSync(path.dirname(directory))).toEqual(['db']);

  const second = await openStore({ directory });
  const rows = rowsOf<{ value: unknown }>(await second.db.execute(sql`SELECT value FROM agent_state WHERE key = 'probe'`));
  await second.close();
  expect(rows).toEqual([{ value: 'kept' }]);
});

it('says which folder it could not create, and leaves nothing behind', async () => {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-store-'));
  folders.push(parent);
  fs.writeFileSync(path.join(parent, 'file'), 'not a folder');
  const directory = path.join(parent, 'file', 'db');
  await expect(openStore({ directory })).rejects.toThrow(`${directory}`);
  expect(fs.readdirSync(parent)).toEqual(['file']);
});

it('leaves the permissions of a folder it did not create alone (a database in /tmp must not close /tmp)', async () => {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-store-'));
  folders.push(parent);
  fs.chmodSync(parent, 0o1777);
  const store = await openStore({ directory: path.join(parent, 'db') });
  await store.close();
  expect(fs.statSync(parent).mode & 0o7777).toBe(0o1777);
  // What it does create is private.
  expect(fs.statSync(path.join(parent, 'db')).mode & 0o077).toBe(0);
});
