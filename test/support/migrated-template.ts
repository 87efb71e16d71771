import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../../src/store/database.ts';

/** Creates a migrated PGlite database in a new temporary folder and returns the folder. */
export async function createMigratedTemplate(): Promise<string> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-db-template-'));
  const store = await openStore({ directory: folder });
  await store.close();
  return folder;
}
