import fs from 'node:fs';
import path from 'node:path';

/** Mender's version from its package.json, as MCP servers and clients announce it. */
export const menderVersion: string = (() => {
  try {
    const manifest = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { version?: unknown };
    return typeof manifest.version === 'string' ? manifest.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
})();
