import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configBlockEnd, configBlockStart, renderConfigTable, renderEnvExample, replaceConfigBlock } from './config-docs.ts';
import { loadSettings } from './load-settings.ts';
import { settingsSchema } from './settings-schema.ts';

const run = promisify(execFile);
const projectRoot = path.resolve(import.meta.dirname, '../..');
const definitions = Object.values(settingsSchema);
const secretVariables = [
  'ANTHROPIC_API_KEY',
  'DATABASE_URL',
  'MENDER_ADMIN_TOKEN',
  'MENDER_GITHUB_PRIVATE_KEY',
  'MENDER_GITHUB_TOKEN',
  'MENDER_GITHUB_WEBHOOK_SECRET',
  'MENDER_JIRA_API_TOKEN',
  'MENDER_JIRA_WEBHOOK_SECRET',
  'MENDER_MODEL_API_KEY',
  'MENDER_QUEUE_URL',
  'MENDER_SENTRY_CLIENT_SECRET',
  'MENDER_SLACK_BOT_TOKEN',
  'MENDER_SLACK_SIGNING_SECRET',
  'OPENAI_API_KEY',
].sort();

/** The cells of a Markdown table row, with escaped pipes kept inside their cell. */
function cellsOf(row: string): string[] {
  return row
    .replace(/^\|\s?|\s?\|$/g, '')
    .split(/\s\|\s/)
    .map((cell) => cell.replace(/\\\|/g, '|'));
}

/** Runs the generator as `npm run docs` does; the exit code is part of the result. */
async function generateDocs(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [path.join(projectRoot, 'bin/run-ts.mjs'), path.join(projectRoot, 'scripts/generate-config-docs.ts'), ...args],
      { cwd: projectRoot },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('renderConfigTable', () => {
  const rows = renderConfigTable().trimEnd().split('\n');

  it('has a header and one row of variable(s), default and description per setting', () => {
    expect(rows.slice(0, 2)).toEqual(['| Variable | Default | Description |', '| --- | --- | --- |']);
    const body = rows.slice(2).map(cellsOf);
    expect(body).toHaveLength(definitions.length);
    for (const cells of body) expect(cells).toHaveLength(3);
    const byVariable = new Map(body.map((cells) => [cells[0], cells]));
    expect(byVariable.get('`MENDER_PORT`, `PORT`')).toEqual(['`MENDER_PORT`, `PORT`', '`7420`', 'Port the HTTP server listens on (`PORT` is honoured too).']);
    expect(byVariable.get('`MENDER_PLAN_GATE`')?.[1]).toBe('`implement`');
    expect(byVariable.get('`MENDER_MODEL`')?.[1]).toBe('—');
  });

  it('marks the secret settings and no others', () => {
    const marked = rows
      .slice(2)
      .map(cellsOf)
      .filter((cells) => cells[2]!.startsWith('**Secret.**'))
      .map((cells) => cells[0]!.replace(/`/g, ''));
    expect(marked.sort()).toEqual(secretVariables);
  });
});

describe('renderEnvExample', () => {
  const text = renderEnvExample();
  const blocks = text.trimEnd().split('\n\n').slice(1);

  it('has one commented block per setting with its description, default and assignment', () => {
    expect(blocks).toHaveLength(definitions.length);
    for (const block of blocks) for (const line of block.split('\n')) expect(line.startsWith('# ')).toBe(true);
    expect(blocks).toContain(
      [
        '# Port the HTTP server listens on (`PORT` is honoured too).',
        '# Default: 7420',
        '# Also read from: PORT (MENDER_PORT wins)',
        '# MENDER_PORT=7420',
      ].join('\n'),
    );
    expect(blocks).toContain(
      ['# Operation types whose plan waits for a human (comma-separated).', '# Default: implement', '# MENDER_PLAN_GATE=implement'].join('\n'),
    );
  });

  it('leaves every secret empty', () => {
    for (const variable of secretVariables) {
      const block = blocks.find((candidate) => candidate.includes(`# ${variable}=`));
      expect(block).toContain('# Secret: keep the real value out of version control.');
      expect(block?.split('\n').at(-1)).toBe(`# ${variable}=`);
    }
  });

  it('documents defaults that load as the defaults when every line is uncommented', () => {
    const environment = Object.fromEntries(
      blocks.map((block) => {
        const assignment = block.split('\n').at(-1)!.replace(/^# /, '');
        const equals = assignment.indexOf('=');
        return [assignment.slice(0, equals), assignment.slice(equals + 1)];
      }),
    );
    expect(Object.keys(environment).sort()).toEqual(definitions.map((definition) => definition.env[0]).sort());
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-env-example-'));
    try {
      // Same values; only where they came from (`sources`) differs.
      const documented = loadSettings(environment, folder);
      const defaults = loadSettings({}, folder);
      expect({ settings: documented.settings, repos: documented.repos }).toEqual({ settings: defaults.settings, repos: defaults.repos });
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  it('is what the committed .env.example holds (run `npm run docs` after changing the settings schema)', () => {
    expect(fs.readFileSync(path.join(projectRoot, '.env.example'), 'utf8')).toBe(text);
  });
});

describe('replaceConfigBlock', () => {
  it('replaces only the text between the markers, and gives the same text when run again', () => {
    const readme = `# Mender\n\nIntro.\n\n${configBlockStart}\nold table\n${configBlockEnd}\n\nMore.\n`;
    const updated = replaceConfigBlock(readme, '| new |\n');
    expect(updated).toBe(`# Mender\n\nIntro.\n\n${configBlockStart}\n\n| new |\n\n${configBlockEnd}\n\nMore.\n`);
    expect(replaceConfigBlock(updated!, '| new |\n')).toBe(updated);
  });

  it('gives undefined when a marker is missing or they are out of order', () => {
    expect(replaceConfigBlock('# Mender\n', '| new |\n')).toBeUndefined();
    expect(replaceConfigBlock(`${configBlockStart}\nno end\n`, '| new |\n')).toBeUndefined();
    expect(replaceConfigBlock(`${configBlockEnd}\n${configBlockStart}\n`, '| new |\n')).toBeUndefined();
  });
});

describe('scripts/generate-config-docs.ts', () => {
  let root: string;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-docs-'));
  });

  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('writes .env.example and prints the table when there is no README, then finds both up to date', async () => {
    const first = await generateDocs('--root', root);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(renderConfigTable());
    expect(first.stderr).toContain('README.md does not exist');
    expect(fs.readFileSync(path.join(root, '.env.example'), 'utf8')).toBe(renderEnvExample());
    expect(fs.existsSync(path.join(root, 'README.md'))).toBe(false);

    const check = await generateDocs('--root', root, '--check');
    expect(check.code).toBe(0);
  });

  it('fills the README block, and --check exits 1 naming each file that drifted', async () => {
    const readme = `# Mender\n\n## Configuration\n\n${configBlockStart}\nstale\n${configBlockEnd}\n`;
    fs.writeFileSync(path.join(root, 'README.md'), readme);
    fs.writeFileSync(path.join(root, '.env.example'), renderEnvExample());

    const stale = await generateDocs('--root', root, '--check');
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('out of date: README.md —');
    expect(fs.readFileSync(path.join(root, 'README.md'), 'utf8')).toBe(readme);

    expect((await generateDocs('--root', root)).code).toBe(0);
    expect(fs.readFileSync(path.join(root, 'README.md'), 'utf8')).toBe(replaceConfigBlock(readme, renderConfigTable()));
    expect((await generateDocs('--root', root, '--check')).code).toBe(0);

    fs.appendFileSync(path.join(root, '.env.example'), '# MENDER_EXTRA=1\n');
    const drifted = await generateDocs('--root', root, '--check');
    expect(drifted.code).toBe(1);
    expect(drifted.stderr).toContain('out of date: .env.example —');
  });

  it('refuses an unknown argument', async () => {
    const result = await generateDocs('--chek');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown argument --chek');
  });

  it('finds this checkout up to date', async () => {
    const result = await generateDocs('--check');
    expect(result.stderr).not.toContain('out of date');
    expect(result.code).toBe(0);
  });
});
