import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';

const run = promisify(execFile);
const nodeModules = path.resolve(import.meta.dirname, '../../node_modules');

/**
 * An application using the real @sentry/node 10 SDK. `blankLines` pushes every function down,
 * as an edit above them would: the same errors then come from other line numbers.
 */
function applicationSource(blankLines: number): string {
  return `'use strict';
const Sentry = require('@sentry/node');
${'\n'.repeat(blankLines)}
function total(cart) {
  return cart.items.reduce((sum, item) => sum + item.price * item.quantity, 0);
}

function addItem(cart, quantity) {
  if (quantity < 0) throw new RangeError('quantity ' + quantity + ' is out of range');
  cart.items.push({ quantity });
}

async function main() {
  Sentry.init({
    dsn: process.env.SENTRY_DSN,
    release: process.env.RELEASE,
    environment: 'test',
    // The SDK drops an event identical to the one before it; this application reports every occurrence.
    integrations: (defaults) => defaults.filter((integration) => integration.name !== 'Dedupe'),
  });
  const count = Number(process.env.COUNT);
  for (let index = 0; index < count; index += 1) {
    try {
      total(undefined);
    } catch (error) {
      Sentry.withScope((scope) => {
        scope.setUser({ id: 'user-' + (index % 4) });
        Sentry.captureException(error);
      });
    }
  }
  try {
    addItem({ items: [] }, -Number(process.env.COUNT));
  } catch (error) {
    Sentry.captureException(error);
  }
  if (!(await Sentry.flush(15000))) throw new Error('flush timed out');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
`;
}

/** The line `total` throws from in that version of the application. */
const throwingLine = (blankLines: number) =>
  applicationSource(blankLines)
    .split('\n')
    .findIndex((line) => line.includes('return cart.items')) + 1;

describe('errors from an application using @sentry/node 10', () => {
  let mender: MenderUnderTest;
  let target: TargetRepository;
  let dsn: string;
  const appDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-sentry-app-'));
  const appFile = path.join(appDir, 'app.cjs');

  const runApplication = async (blankLines: number, count: number, release: string) => {
    fs.writeFileSync(appFile, applicationSource(blankLines));
    await run(process.execPath, [appFile], {
      cwd: appDir,
      env: { PATH: process.env.PATH, NODE_PATH: nodeModules, SENTRY_DSN: dsn, COUNT: String(count), RELEASE: release },
      timeout: 60_000,
    });
  };
  const digested = async (events: number) => {
    for (let tries = 0; tries < 300; tries += 1) {
      const status = (await mender.call('GET', '/api/detection')).json;
      if (status.pending === 0 && status.processed >= events) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('the events did not arrive');
  };

  beforeAll(async () => {
    target = createTargetRepository();
    mender = await startMenderUnderTest();
    expect((await mender.call('POST', '/api/repos', { name: 'shop', path: target.path })).status).toBe(201);
    // Over real HTTP: the DSN names the address the request came to, where the child process sends.
    const created = await fetch(`${mender.url}/api/projects`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'shop', repo: 'shop' }),
    });
    dsn = ((await created.json()) as { dsn: string }).dsn;
    expect(new URL(dsn).port).toBe(String(mender.port));
  }, 120_000);
  afterAll(async () => {
    await mender?.close();
    target?.cleanup();
    fs.rmSync(appDir, { recursive: true, force: true });
  });

  it('groups thrown errors into issues, and a burst crossing the P1 rule starts a fix carrying the stack trace', async () => {
    await runApplication(0, 12, 'shop@1.0.0');
    await digested(13);
    const { issues } = (await mender.call('GET', '/api/issues')).json;
    expect(issues).toHaveLength(2);
    const typeError = issues.find((issue: { title: string }) => issue.title.startsWith('TypeError'));
    const rangeError = issues.find((issue: { title: string }) => issue.title.startsWith('RangeError'));
    expect(typeError).toMatchObject({ count: 12, users: 4, severity: 'P1', releases: ['shop@1.0.0'], environments: ['test'] });
    expect(['new-error-burst', 'new-error-many-users']).toContain(typeError.severityRule);
    expect(rangeError).toMatchObject({ count: 1, severity: 'P3', operations: [] });

    let detail: any;
    for (let tries = 0; tries < 100 && !detail?.operations.length; tries += 1) {
      detail = (await mender.call('GET', `/api/issues/${typeError.id}`)).json;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(detail.operations).toHaveLength(1);
    expect(detail.grouping.parts).toEqual(['type:TypeError', 'frame:app:<anonymous>', 'frame:app:main', 'frame:app:total']);
    const frames = detail.samples[0].exception[0].frames;
    expect(
      frames.some(
        (frame: { function: string; inApp: boolean; lineno: number }) => frame.function === 'total' && frame.inApp && frame.lineno === throwingLine(0),
      ),
    ).toBe(true);
    const operation = (await mender.call('GET', `/api/operations/${detail.operations[0].id}`)).json;
    expect(operation).toMatchObject({ type: 'fix', source: 'detector' });
    expect(operation.errorContext).toMatchObject({ severity: 'P1', issueId: typeError.id });
    expect(operation.errorContext.message).toMatch(/^TypeError: Cannot read properties of undefined/);
    expect(operation.errorContext.stack).toContain(`at total (${appFile}:${throwingLine(0)}:`);
    expect(operation.description).toContain(typeError.id);
  }, 120_000);

  it('keeps the same error one issue when an edit moved its lines', async () => {
    await runApplication(7, 3, 'shop@1.0.1');
    await digested(17);
    const { issues } = (await mender.call('GET', '/api/issues')).json;
    expect(issues).toHaveLength(2);
    const typeError = issues.find((issue: { title: string }) => issue.title.startsWith('TypeError'));
    expect(typeError).toMatchObject({ count: 15, releases: ['shop@1.0.0', 'shop@1.0.1'] });
    const detail = (await mender.call('GET', `/api/issues/${typeError.id}`)).json;
    const latestFrames = detail.samples[detail.samples.length - 1].exception[0].frames;
    expect(latestFrames.find((frame: { function: string }) => frame.function === 'total').lineno).toBe(throwingLine(7));
    expect(throwingLine(7)).toBe(throwingLine(0) + 7);
  }, 120_000);
});
