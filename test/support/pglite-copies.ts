import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../../src/store/database.ts';

// Creating a PGlite database takes seconds; copying a migrated one takes milliseconds. One
// template per test process, made on first use and removed when the process exits.
let template: Promise<string> | undefined;

function migratedTemplate(): Promise<string> {
  template ??= (async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-db-template-'));
    const store = await openStore({ directory: folder });
    await store.close();
    process.once('exit', () => fs.rmSync(folder, { recursive: true, force: true }));
    return folder;
  })();
  return template;
}

/** Copies `template` into `destination`, a migrated PGlite database ready to open. */
export async function copyMigratedDatabase(destination: string): Promise<void> {
  fs.cpSync(await migratedTemplate(), destination, { recursive: true });
}

/** Fresh migrated databases for a suite, each in its own folder; `removeAll` after each test. */
export function migratedDatabaseFolders(prefix: string): { next(): Promise<string>; removeAll(): void } {
  const folders: string[] = [];
  return {
    async next() {
      const folder = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
      await copyMigratedDatabase(folder);
      folders.push(folder);
      return folder;
    },
    removeAll() {
      for (const folder of folders.splice(0)) fs.rmSync(folder, { recursive: true, force: true });
    },
  };
}
