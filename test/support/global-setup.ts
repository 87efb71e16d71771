import fs from 'node:fs';
import type { TestProject } from 'vitest/node';
import { createMigratedTemplate } from './migrated-template.ts';

/**
 * Runs once per `vitest run`, before any test process starts: migrates one PGlite database that
 * every test process copies (pglite-copies.ts) instead of migrating its own, seconds per file.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const template = await createMigratedTemplate();
  project.provide('migratedDatabaseTemplate', template);
  return () => fs.rmSync(template, { recursive: true, force: true });
}
