import fs from 'node:fs';
import path from 'node:path';
import { sql, type SQL } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rowsOf } from '../../src/store/database.ts';
import { adminToken, startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';
import { runMenderCli } from '../support/mender-cli.ts';

interface ChainRow {
  sequence: number;
  hash: string;
}

describe('audit log: hash chain, verification and export', () => {
  let mender: MenderUnderTest;
  let target: TargetRepository;
  let cliEnv: NodeJS.ProcessEnv;
  let written: ChainRow[];

  const cli = (...args: string[]) => runMenderCli(cliEnv, ...args);

  const chainRows = async (): Promise<ChainRow[]> =>
    rowsOf<ChainRow>(await mender.store.db.execute(sql`SELECT sequence::int AS sequence, hash FROM audit_log ORDER BY sequence`));
  const runSql = async (statement: SQL) => {
    await mender.store.db.execute(statement);
  };

  beforeAll(async () => {
    // No model: each operation fails at planning, writing a few events (and audit rows) on the way.
    mender = await startMenderUnderTest();
    target = createTargetRepository();
    cliEnv = { PATH: process.env.PATH, HOME: process.env.HOME, MENDER_URL: mender.url, MENDER_ADMIN_TOKEN: adminToken, MENDER_DATA_DIR: mender.dataDir };
    expect((await mender.call('POST', '/api/repos', { name: 'cart', path: target.path })).status).toBe(201);
    for (const description of ['total() ignores quantity', 'discount rounds the wrong way', 'empty cart throws']) {
      const created = await mender.call('POST', '/api/operations', { type: 'fix', description, repo: 'cart' });
      expect(created.status).toBe(201);
      await mender.waitForStatus(created.json.id, ['failed']);
    }
    written = await chainRows();
    expect(written.length).toBeGreaterThanOrEqual(6);
    // Each tampering below starts again from this copy of the chain as Mender wrote it.
    await runSql(sql`CREATE TABLE audit_log_as_written AS SELECT * FROM audit_log`);
  });

  afterAll(async () => {
    await mender?.close();
    target?.cleanup();
  });

  beforeEach(async () => {
    await runSql(sql`DELETE FROM audit_log`);
    await runSql(sql`INSERT INTO audit_log SELECT * FROM audit_log_as_written`);
  });

  it('verifies the chain Mender wrote, through the API and the CLI, and prints the anchor to keep', async () => {
    const last = written.at(-1)!;
    const verified = await mender.call('GET', '/api/audit/verify');
    expect(verified.status).toBe(200);
    expect(verified.json).toEqual({ ok: true, entries: written.length, lastHash: last.hash });

    const result = await cli('audit', 'verify');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`audit chain intact: ${written.length} entries, last #${last.sequence} ${last.hash}`);
    expect(result.stdout).toContain(`mender audit verify --anchor ${last.sequence}:${last.hash}`);
  });

  describe('detects each tampering done directly in the database', () => {
    // The middle of the chain, so rows stand on both sides of the damage.
    const middle = () => written[Math.floor(written.length / 2)]!.sequence;
    const tamperings: { name: string; tamper: (sequence: number) => SQL; kind: string; line: (sequence: number) => string }[] = [
      {
        name: 'details of a row edited',
        tamper: (sequence) => sql`UPDATE audit_log SET details = '{"note": "nothing happened here"}' WHERE sequence = ${sequence}`,
        kind: 'tampered',
        line: (sequence) => `audit chain broken at #${sequence}: row content changed after it was written`,
      },
      {
        name: 'a row deleted',
        tamper: (sequence) => sql`DELETE FROM audit_log WHERE sequence = ${sequence}`,
        kind: 'missing',
        line: (sequence) => `audit chain broken at #${sequence}: row #${sequence} is missing: #${sequence + 1} follows #${sequence - 1}`,
      },
      {
        name: 'two rows swapped',
        tamper: (sequence) => sql`
          UPDATE audit_log AS moved
          SET at = source.at, actor = source.actor, action = source.action, subject = source.subject, details = source.details, previous_hash = source.previous_hash, hash = source.hash
          FROM audit_log AS source
          WHERE (moved.sequence = ${sequence} AND source.sequence = ${sequence + 1}) OR (moved.sequence = ${sequence + 1} AND source.sequence = ${sequence})`,
        kind: 'reordered',
        line: (sequence) =>
          `audit chain broken at #${sequence}: rows are out of order: #${sequence} was written after the row now stored as #${sequence + 1}, but follows #${sequence - 1}`,
      },
    ];

    for (const tampering of tamperings) {
      it(`${tampering.name}: reported at that row as ${tampering.kind}, by the API and by the CLI with exit code 1`, async () => {
        const sequence = middle();
        await runSql(tampering.tamper(sequence));

        const verified = await mender.call('GET', '/api/audit/verify');
        expect(verified.status).toBe(200);
        expect(verified.json).toMatchObject({ ok: false, brokenAt: sequence, kind: tampering.kind });

        const result = await cli('audit', 'verify');
        expect(result.exitCode).toBe(1);
        expect(result.stdout.trim()).toBe(tampering.line(sequence));
      });
    }

    it('the newest row deleted: invisible to the chain alone, reported against the anchor printed earlier', async () => {
      const intact = await cli('audit', 'verify');
      const anchor = /--anchor (\S+)/.exec(intact.stdout)?.[1];
      expect(anchor).toBe(`${written.at(-1)!.sequence}:${written.at(-1)!.hash}`);

      const last = written.at(-1)!.sequence;
      await runSql(sql`DELETE FROM audit_log WHERE sequence = ${last}`);
      expect((await cli('audit', 'verify')).exitCode).toBe(0);

      const anchored = await cli('audit', 'verify', '--anchor', anchor!);
      expect(anchored.exitCode).toBe(1);
      expect(anchored.stdout.trim()).toBe(
        `audit chain broken at #${last}: row #${last} is missing: the anchored row #${last} is gone and the log now ends at #${last - 1}`,
      );
    });
  });

  it('exports every row as JSON lines, to a file or to standard output, the same rows the API pages through', async () => {
    const file = path.join(mender.dataDir, 'audit.jsonl');
    const exported = await cli('audit', 'export', '--out', file);
    expect(exported.exitCode).toBe(0);
    expect(exported.stdout).toContain(`exported ${written.length} entries to ${file}`);

    const lines = fs.readFileSync(file, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(written.length);
    const entries = lines.map((line) => JSON.parse(line) as { sequence: number; hash: string; action: string });
    expect(entries.map(({ sequence, hash }) => ({ sequence, hash }))).toEqual(written);
    expect(entries[0]).toMatchObject({
      sequence: 1,
      at: expect.any(String),
      actor: expect.any(String),
      action: expect.any(String),
      subject: expect.any(String),
      details: expect.any(Object),
      previousHash: '0'.repeat(64),
    });

    const toStandardOutput = await cli('audit', 'export');
    expect(toStandardOutput.stdout).toBe(fs.readFileSync(file, 'utf8'));

    // Paging through the API two rows at a time gives the same rows.
    const paged: unknown[] = [];
    let after: number | null = null;
    do {
      const page: { status: number; json: { entries: unknown[]; nextAfter: number | null } } = await mender.call(
        'GET',
        `/api/audit?limit=2${after === null ? '' : `&after=${after}`}`,
      );
      expect(page.status).toBe(200);
      paged.push(...page.json.entries);
      after = page.json.nextAfter;
    } while (after !== null);
    expect(paged).toEqual(entries);

    const created = await cli('audit', 'export', '--action', 'operation.created');
    const createdLines = created.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { action: string; sequence: number });
    expect(createdLines.map((entry) => entry.sequence)).toEqual(entries.filter((entry) => entry.action === 'operation.created').map((entry) => entry.sequence));
    expect(createdLines).toHaveLength(3);
  });

  it('pages newest first, leaves out excluded actions, counts each action and streams the export the dashboard downloads', async () => {
    const oldestFirst: { sequence: number; action: string }[] = (await mender.call('GET', '/api/audit?limit=1000')).json.entries;
    const newestFirst: { sequence: number }[] = [];
    let before: number | null = null;
    do {
      const page: { status: number; json: { entries: { sequence: number }[]; nextBefore: number | null; nextAfter: null } } = await mender.call(
        'GET',
        `/api/audit?order=newest&limit=2${before === null ? '' : `&before=${before}`}`,
      );
      expect(page.status).toBe(200);
      expect(page.json.nextAfter).toBeNull();
      newestFirst.push(...page.json.entries);
      before = page.json.nextBefore;
    } while (before !== null);
    expect(newestFirst).toEqual([...oldestFirst].reverse());

    const failedAction = 'operation.failed';
    const withoutFailed = (await mender.call('GET', `/api/audit?limit=1000&exclude=${failedAction},model.called`)).json.entries as { action: string }[];
    expect(withoutFailed).toEqual(oldestFirst.filter((entry) => entry.action !== failedAction && entry.action !== 'model.called'));
    expect(withoutFailed.length).toBeLessThan(oldestFirst.length);

    const actions = (await mender.call('GET', '/api/audit/actions')).json.actions as { action: string; count: number }[];
    expect(actions.map((entry) => entry.action)).toEqual([...new Set(oldestFirst.map((entry) => entry.action))].sort());
    expect(actions.find((entry) => entry.action === 'operation.created')?.count).toBe(3);

    const exported = await mender.call('GET', `/api/audit/export?exclude=${failedAction}`);
    expect(exported.status).toBe(200);
    expect(exported.text.endsWith('\n')).toBe(true);
    const exportedRows = exported.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { action: string });
    expect(exportedRows).toEqual(withoutFailed.filter((entry) => entry.action !== 'model.called'));
    const headers = await mender.app.request('/api/audit/export', { headers: { authorization: `Bearer ${adminToken}` } });
    expect(headers.headers.get('content-type')).toContain('application/x-ndjson');
    expect(headers.headers.get('content-disposition')).toMatch(/^attachment; filename="mender-audit-\d{4}-\d{2}-\d{2}\.jsonl"$/);
    await headers.body?.cancel();

    const wrongCursor = await mender.call('GET', '/api/audit?order=newest&after=3');
    expect(wrongCursor.status).toBe(400);
    expect(wrongCursor.json.error.fields.after.join(' ')).toMatch(/before=<sequence>/);
    expect((await mender.call('GET', '/api/audit?before=3')).json.error.fields.before.join(' ')).toMatch(/order=newest/);
    expect(Object.keys((await mender.call('GET', '/api/audit?exclude=DROP TABLE')).json.error.fields)).toEqual(['exclude.0']);
    expect((await mender.call('GET', '/api/audit/export?order=newest')).status).toBe(400);
  });

  it('answers 400 naming each bad query field, and lets only admins read the entries', async () => {
    const bad = await mender.call('GET', '/api/audit?limit=0&after=first');
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe('invalid_request');
    expect(Object.keys(bad.json.error.fields).sort()).toEqual(['after', 'limit']);
    expect((await mender.call('GET', '/api/audit?limit=1001')).status).toBe(400);
    expect((await mender.call('GET', '/api/audit/verify?anchor=12')).json.error.fields).toHaveProperty('anchor');

    expect((await mender.call('GET', '/api/audit', undefined, { authorization: 'Bearer not-a-token' })).status).toBe(401);
    const viewer = await mender.call('POST', '/api/users', { name: 'auditor-viewer', role: 'viewer' });
    expect(viewer.status).toBe(201);
    const asViewer = { authorization: `Bearer ${viewer.json.token}` };
    expect((await mender.call('GET', '/api/audit', undefined, asViewer)).status).toBe(403);
    expect((await mender.call('GET', '/api/audit/verify', undefined, asViewer)).json).toMatchObject({ ok: true });
  });
});
