import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ToolContext } from '../tool.ts';

/** A real temporary folder for tool tests, with helpers to fill it. Used by *.test.ts only. */
export interface TestWorkspace {
  root: string;
  /** A second folder, outside the root, for escape attempts. */
  outside: string;
  write(relative: string, content: string): string;
  context(overrides?: Partial<ToolContext>): ToolContext;
  remove(): void;
}

export function createTestWorkspace(): TestWorkspace {
  const root = realpathSync(mkdtempSync(path.join(tmpdir(), 'mender-tools-root-')));
  const outside = realpathSync(mkdtempSync(path.join(tmpdir(), 'mender-tools-outside-')));
  return {
    root,
    outside,
    write(relative, content) {
      const absolute = path.join(root, relative);
      mkdirSync(path.dirname(absolute), { recursive: true });
      writeFileSync(absolute, content);
      return absolute;
    },
    context(overrides = {}) {
      return {
        root,
        operationId: 'operation-test',
        signal: new AbortController().signal,
        saveArtifact: async (name) => name,
        ...overrides,
      };
    },
    remove() {
      rmSync(root, { recursive: true, force: true });
      rmSync(outside, { recursive: true, force: true });
    },
  };
}
