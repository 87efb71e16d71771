import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planCheck, readCheckReport } from './check-detection.ts';
import { createSampleProject, runShellCommand, type SampleProject } from './sample-projects.ts';

describe('planCheck', () => {
  it('adds --pretty false to tsc when it is absent', () => {
    expect(planCheck('typecheck', 'npx --no-install tsc --noEmit', {})).toEqual({
      tool: 'tsc',
      command: 'npx --no-install tsc --noEmit --pretty false',
    });
    expect(planCheck('typecheck', 'npm run typecheck', { typecheck: 'tsc --noEmit' })).toEqual({
      tool: 'tsc',
      command: 'npm run typecheck -- --pretty false',
    });
    expect(planCheck('typecheck', 'tsc --pretty false -p .', {})).toEqual({
      tool: 'tsc',
      command: 'tsc --pretty false -p .',
    });
  });

  it('still recognises tsc when the flag cannot reach it, since its plain output parses anyway', () => {
    const scripts = { typecheck: 'tsc --noEmit && tsc -p test' };
    expect(planCheck('typecheck', 'npm run typecheck', scripts)).toEqual({
      tool: 'tsc',
      command: 'npm run typecheck',
    });
  });

  it('adds -f json to eslint, after -- when npm runs it', () => {
    expect(planCheck('lint', 'npx eslint .', {})).toEqual({
      tool: 'eslint',
      command: 'npx eslint . -f json',
    });
    expect(planCheck('lint', 'npm run lint', { lint: 'eslint src --max-warnings 0' })).toEqual({
      tool: 'eslint',
      command: 'npm run lint -- -f json',
    });
    expect(planCheck('lint', 'pnpm lint', { lint: 'eslint --format json .' })).toEqual({
      tool: 'eslint',
      command: 'pnpm lint',
    });
  });

  it('falls back to the exit code when eslint cannot be made to write JSON, or the tool is unknown', () => {
    // Arguments appended to this script would reach madge, not eslint.
    const scripts = { lint: 'eslint . && madge --circular src', styled: 'eslint -f stylish .' };
    expect(planCheck('lint', 'npm run lint', scripts)).toEqual({
      tool: 'unknown',
      command: 'npm run lint',
    });
    expect(planCheck('lint', 'npm run styled', scripts)).toEqual({
      tool: 'unknown',
      command: 'npm run styled',
    });
    expect(planCheck('lint', 'npx biome check', {})).toEqual({
      tool: 'unknown',
      command: 'npx biome check',
    });
    expect(planCheck('typecheck', 'npm run lint', scripts)).toEqual({
      tool: 'unknown',
      command: 'npm run lint',
    });
  });
});

describe('readCheckReport', () => {
  it('parses tsc output, dropping npm’s banner', () => {
    const stdout = "\n> app typecheck\n> tsc --noEmit --pretty false\n\nsrc/a.ts(3,7): error TS2304: Cannot find name 'x'.\n";
    expect(readCheckReport('tsc', stdout, 2, 'tail', '/repo')).toEqual({
      tool: 'tsc',
      structured: true,
      errors: 1,
      warnings: 0,
      diagnostics: [
        {
          file: 'src/a.ts',
          line: 3,
          column: 7,
          code: 'TS2304',
          message: "Cannot find name 'x'.",
          severity: 'error',
        },
      ],
    });
  });

  it('treats a failed tsc without diagnostics as an unstructured failure', () => {
    expect(readCheckReport('tsc', 'RangeError: Maximum call stack size exceeded', 1, 'the tail', '/repo')).toEqual({
      tool: 'tsc',
      structured: false,
      errors: 1,
      warnings: 0,
      diagnostics: [{ file: '', message: 'the tail', severity: 'error' }],
    });
    expect(readCheckReport('tsc', '', 0, '', '/repo')).toMatchObject({
      structured: true,
      errors: 0,
    });
  });

  it('counts a failed eslint run with only warnings (e.g. --max-warnings 0) as an error', () => {
    const stdout = JSON.stringify([
      {
        filePath: '/repo/a.js',
        messages: [
          {
            ruleId: 'no-console',
            severity: 1,
            message: 'Unexpected console statement.',
            line: 1,
            column: 1,
          },
        ],
      },
    ]);
    const report = readCheckReport('eslint', stdout, 1, 'ESLint found too many warnings (maximum: 0).', '/repo');
    expect(report).toMatchObject({ structured: true, errors: 1, warnings: 1 });
    expect(report.diagnostics.at(-1)).toEqual({
      file: '',
      message: 'ESLint found too many warnings (maximum: 0).',
      severity: 'error',
    });
  });

  it('uses the exit code for unknown tools and unreadable output', () => {
    expect(readCheckReport('unknown', 'x', 0, '', '/repo')).toEqual({
      tool: 'unknown',
      structured: false,
      errors: 0,
      warnings: 0,
      diagnostics: [],
    });
    expect(readCheckReport('eslint', 'Oops! Something went wrong!', 2, 'Oops', '/repo')).toMatchObject({
      tool: 'eslint',
      structured: false,
      errors: 1,
    });
  });
});

describe('a planned lint through npm, end to end', () => {
  let project: SampleProject;

  beforeAll(async () => {
    project = await createSampleProject(
      {
        'package.json': JSON.stringify({
          type: 'module',
          scripts: {
            lint: 'eslint --no-config-lookup --rule no-console:warn --rule no-unused-vars:error src',
          },
        }),
        'src/a.js': 'const unused = 1;\nconsole.log("x");\n',
      },
      { linkNodeModules: true },
    );
  });

  afterAll(async () => {
    await project.remove();
  });

  it('gets eslint’s JSON out of npm’s stdout', async () => {
    const plan = planCheck('lint', 'npm run lint', { lint: 'eslint --no-config-lookup src' });
    expect(plan).toEqual({ tool: 'eslint', command: 'npm run lint -- -f json' });
    const outcome = await runShellCommand(plan.command, { cwd: project.root });
    expect(outcome.stdout).toContain('> eslint');
    const report = readCheckReport(plan.tool, outcome.stdout, outcome.exitCode, outcome.output.slice(-2000), project.root);
    expect(report).toMatchObject({ tool: 'eslint', structured: true, errors: 1, warnings: 1 });
    expect(report.diagnostics.map((diagnostic) => `${diagnostic.file}:${diagnostic.line} ${diagnostic.code}`)).toEqual([
      'src/a.js:1 no-unused-vars',
      'src/a.js:2 no-console',
    ]);
  });
});
