import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { maxLogLineLength, startLogTails } from './log-tail.ts';

const stops: Array<() => void> = [];
afterEach(() => stops.splice(0).forEach((stop) => stop()));

async function until(condition: () => boolean): Promise<void> {
  for (let tries = 0; tries < 400 && !condition(); tries += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}

function follow(file: string): string[] {
  const lines: string[] = [];
  const config = { path: file, project: 'app' };
  stops.push(
    startLogTails(
      [config],
      async (_file, line) => void lines.push(line),
      (error) => {
        throw error;
      },
      10,
    ),
  );
  return lines;
}

describe('startLogTails', () => {
  it('passes a line without newline cut once, drops the rest of it, and goes on with the next line', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mender-log-tail-unit-')), 'app.log');
    fs.writeFileSync(file, 'before\n');
    // The tail starts at the end of the file before startLogTails returns.
    const lines = follow(file);
    // Three appends of 1 MB with no newline, then the end of that line and a normal one.
    for (let index = 0; index < 3; index += 1) fs.appendFileSync(file, 'x'.repeat(1024 * 1024));
    fs.appendFileSync(file, 'tail of the long line\nError: after the long line\n');
    await until(() => lines.includes('Error: after the long line'));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('x'.repeat(maxLogLineLength));
  });

  it('keeps a character split between two reads whole', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mender-log-tail-unit-')), 'app.log');
    fs.writeFileSync(file, '');
    const lines = follow(file);
    const text = Buffer.from('Error: café\n');
    const cut = text.indexOf(0xa9); // inside the two bytes of "é"
    fs.appendFileSync(file, text.subarray(0, cut));
    // Long enough for a poll (every 10 ms) to read the first half on its own.
    await new Promise((resolve) => setTimeout(resolve, 50));
    fs.appendFileSync(file, text.subarray(cut));
    await until(() => lines.length === 1);
    expect(lines[0]).toBe('Error: café');
  });
});
