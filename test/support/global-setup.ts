import fs from 'node:fs';
import type { TestProject } from 'vitest/node';
import { ensureWebBuild } from '../../scripts/web-build.ts';
import { createMigratedTemplate } from './migrated-template.ts';

/**
 * Runs once per `vitest run`, before any test process starts: migrates one PGlite database that
 * every test process copies (pglite-copies.ts) instead of migrating its own, seconds per file;
 * and builds the dashboard when it is stale, once, so that browser suites running side by side
 * never rebuild web/dist under one another.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  await ensureWebBuild();
  const template = await createMigratedTemplate();
  project.provide('migratedDatabaseTemplate', template);
  return () => fs.rmSync(template, { recursive: true, force: true });
}
