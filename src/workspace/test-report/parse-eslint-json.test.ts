import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEslintJson } from './parse-eslint-json.ts';
import { REPOSITORY_NODE_MODULES, createSampleProject, runShellCommand, type SampleProject } from './sample-projects.ts';
import type { CheckReport } from './types.ts';

// Shape of `eslint -f json` (ESLint 9), behind the banner `npm run lint` prints on stdout.
const sample = `
> app@1.0.0 lint
> eslint . -f json

${JSON.stringify([
  {
    filePath: '/repo/src/a.js',
    messages: [
      {
        ruleId: 'no-unused-vars',
        severity: 2,
        message: "'x' is assigned a value but never used.",
        line: 1,
        column: 7,
        nodeType: 'Identifier',
        messageId: 'unusedVar',
        endLine: 1,
        endColumn: 8,
      },
      {
        ruleId: 'no-console',
        severity: 1,
        message: 'Unexpected console statement.',
        line: 2,
        column: 1,
        nodeType: 'MemberExpression',
        messageId: 'unexpected',
        endLine: 2,
        endColumn: 12,
      },
    ],
    suppressedMessages: [],
    errorCount: 1,
    fatalErrorCount: 0,
    warningCount: 1,
    fixableErrorCount: 0,
    fixableWarningCount: 0,
    source: 'const x = 1;\nconsole.log(2);\n',
    usedDeprecatedRules: [],
  },
  {
    filePath: '/repo/src/broken.js',
    messages: [
      {
        ruleId: null,
        fatal: true,
        severity: 2,
        message: 'Parsing error: Unexpected token (',
        line: 3,
        column: 10,
        nodeType: null,
      },
    ],
    suppressedMessages: [],
    errorCount: 1,
    fatalErrorCount: 1,
    warningCount: 0,
    fixableErrorCount: 0,
    fixableWarningCount: 0,
    usedDeprecatedRules: [],
  },
  {
    filePath: '/repo/dist/out.js',
    messages: [{ fatal: false, severity: 1, message: 'File ignored because of a matching ignore pattern.' }],
    suppressedMessages: [],
    errorCount: 0,
    fatalErrorCount: 0,
    warningCount: 1,
    fixableErrorCount: 0,
    fixableWarningCount: 0,
    usedDeprecatedRules: [],
  },
  {
    filePath: '/repo/src/clean.js',
    messages: [],
    suppressedMessages: [],
    errorCount: 0,
    fatalErrorCount: 0,
    warningCount: 0,
    fixableErrorCount: 0,
    fixableWarningCount: 0,
    usedDeprecatedRules: [],
  },
])}
`;

describe('parseEslintJson', () => {
  it('reads errors, warnings, fatal parsing errors and messages without a position', () => {
    const result = parseEslintJson(sample, '/repo');
    if (!result.ok) throw new Error(result.error);
    expect(result.report).toMatchObject({
      tool: 'eslint',
      structured: true,
      errors: 2,
      warnings: 2,
    });
    expect(result.report.diagnostics).toEqual([
      {
        file: 'src/a.js',
        line: 1,
        column: 7,
        code: 'no-unused-vars',
        message: "'x' is assigned a value but never used.",
        severity: 'error',
      },
      {
        file: 'src/a.js',
        line: 2,
        column: 1,
        code: 'no-console',
        message: 'Unexpected console statement.',
        severity: 'warning',
      },
      {
        file: 'src/broken.js',
        line: 3,
        column: 10,
        message: 'Parsing error: Unexpected token (',
        severity: 'error',
      },
      {
        file: 'dist/out.js',
        message: 'File ignored because of a matching ignore pattern.',
        severity: 'warning',
      },
    ]);
  });

  it('returns an error for output that is not eslint JSON', () => {
    for (const text of ['', 'Oops! Something went wrong! :(', '[{"filePath": 1}]', '{"a": []}']) {
      const result = parseEslintJson(text, '/repo');
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error).toMatch(/^eslint JSON report: /);
    }
  });
});

describe('parseEslintJson with this machine’s eslint', () => {
  let project: SampleProject;
  let report: CheckReport;

  beforeAll(async () => {
    project = await createSampleProject({
      'src/a.js': 'const unused = 1;\nconsole.log("x");\n',
    });
    const eslint = path.join(REPOSITORY_NODE_MODULES, '.bin', 'eslint');
    const rules = JSON.stringify({ 'no-unused-vars': 'error', 'no-console': 'warn' });
    const outcome = await runShellCommand(`${eslint} --no-config-lookup --rule '${rules}' -f json src`, {
      cwd: project.root,
    });
    expect(outcome.exitCode).toBe(1);
    const result = parseEslintJson(outcome.output, project.root);
    if (!result.ok) throw new Error(result.error);
    report = result.report;
  });

  afterAll(async () => {
    await project.remove();
  });

  it('reports the rule violations with positions', () => {
    expect(report).toMatchObject({ errors: 1, warnings: 1 });
    expect(report.diagnostics.map((diagnostic) => [diagnostic.file, diagnostic.line, diagnostic.code, diagnostic.severity])).toEqual([
      ['src/a.js', 1, 'no-unused-vars', 'error'],
      ['src/a.js', 2, 'no-console', 'warning'],
    ]);
  });
});
