import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { createMigratedTemplate } from './migrated-template.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Folder of a migrated PGlite database made once per run by test/support/global-setup.ts. */
    migratedDatabaseTemplate?: string;
  }
}

// Creating a PGlite database takes seconds; copying a migrated one takes milliseconds. The global
// setup makes one template for the whole run; a test process started without it (another config)
// makes its own on first use and removes it when the process exits.
let template: Promise<string> | undefined;

/** The global setup's template; none outside a Vitest worker (a benchmark reuses the test support). */
function providedTemplate(): string | undefined {
  try {
    return inject('migratedDatabaseTemplate');
  } catch {
    return undefined;
  }
}

function migratedTemplate(): Promise<string> {
  template ??= (async () => {
    const provided = providedTemplate();
    if (provided && fs.existsSync(provided)) return provided;
    const folder = await createMigratedTemplate();
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
