import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { privateFileMode } from './private-files.ts';

const fileName = 'data-folder-id';
const idPattern = /^[0-9a-f-]{36}$/;

/**
 * The random id of a data folder, made on first use: two processes with the same id share one
 * disk. A path cannot tell: in containers every data folder is `/data`, on different volumes.
 * Written with `wx` so two processes starting at once on one fresh folder end with one id.
 */
export function readOrCreateDataFolderId(dataDir: string): string {
  const file = path.join(dataDir, fileName);
  try {
    fs.writeFileSync(file, `${crypto.randomUUID()}\n`, { flag: 'wx', mode: privateFileMode });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const id = fs.readFileSync(file, 'utf8').trim();
  if (!idPattern.test(id)) throw new Error(`${file} does not hold a data folder id (a UUID): remove it and start again, and Mender writes a new one`);
  return id;
}
