import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTsc } from './parse-tsc.ts';
import { REPOSITORY_NODE_MODULES, createSampleProject, runShellCommand, type SampleProject } from './sample-projects.ts';
import type { CheckReport } from './types.ts';

const plain = `
> app@1.0.0 typecheck
> tsc --noEmit --pretty false

src/a.ts(1,14): error TS2322: Type 'string' is not assignable to type 'number'.
src/d.ts(2,14): error TS2322: Type '{ inner: { size: string; }; }' is not assignable to type 'Shape'.
  The types of 'inner.size' are incompatible between these types.
    Type 'string' is not assignable to type 'number'.
/repo/packages/b/index.ts(3,1): error TS1005: ';' expected.
error TS5083: Cannot read file '/repo/tsconfig.base.json'.
`;

describe('parseTsc', () => {
  it('reads located and global diagnostics with continuation lines', () => {
    const result = parseTsc(plain, '/repo');
    if (!result.ok) throw new Error(result.error);
    expect(result.report).toMatchObject({ tool: 'tsc', structured: true, errors: 4, warnings: 0 });
    expect(result.report.diagnostics).toEqual([
      {
        file: 'src/a.ts',
        line: 1,
        column: 14,
        code: 'TS2322',
        message: "Type 'string' is not assignable to type 'number'.",
        severity: 'error',
      },
      {
        file: 'src/d.ts',
        line: 2,
        column: 14,
        code: 'TS2322',
        message:
          "Type '{ inner: { size: string; }; }' is not assignable to type 'Shape'.\nThe types of 'inner.size' are incompatible between these types.\n  Type 'string' is not assignable to type 'number'.",
        severity: 'error',
      },
      {
        file: 'packages/b/index.ts',
        line: 3,
        column: 1,
        code: 'TS1005',
        message: "';' expected.",
        severity: 'error',
      },
      {
        file: '',
        code: 'TS5083',
        message: "Cannot read file '/repo/tsconfig.base.json'.",
        severity: 'error',
      },
    ]);
  });

  it('also reads pretty output, ignoring code frames and related locations', () => {
    const pretty = [
      "\u001b[96msrc/a.ts\u001b[0m:\u001b[93m5\u001b[0m:\u001b[93m8\u001b[0m - \u001b[91merror\u001b[0m\u001b[90m TS2322: \u001b[0mType 'number' is not assignable to type 'string'.",
      '',
      '\u001b[7m5\u001b[0m call({ name: 1, extra: true });',
      '\u001b[7m \u001b[0m \u001b[91m       ~~~~\u001b[0m',
      '',
      '  \u001b[96msrc/a.ts\u001b[0m:\u001b[93m2\u001b[0m:\u001b[93m31\u001b[0m',
      "    The expected type comes from property 'name'",
      '',
      'Found 1 error in src/a.ts\u001b[90m:5\u001b[0m',
    ].join('\n');
    const result = parseTsc(pretty, '/repo');
    expect(result.ok && result.report.diagnostics).toEqual([
      {
        file: 'src/a.ts',
        line: 5,
        column: 8,
        code: 'TS2322',
        message: "Type 'number' is not assignable to type 'string'.",
        severity: 'error',
      },
    ]);
  });

  it('finds nothing in clean or unrelated output', () => {
    expect(parseTsc('', '/repo')).toMatchObject({
      ok: true,
      report: { errors: 0, diagnostics: [] },
    });
    expect(parseTsc('Segmentation fault\n  at somewhere', '/repo')).toMatchObject({
      ok: true,
      report: { errors: 0 },
    });
  });
});

describe('parseTsc with this machine’s tsc', () => {
  let project: SampleProject;
  let report: CheckReport;

  beforeAll(async () => {
    project = await createSampleProject({
      'tsconfig.json': JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: 'ES2022',
          module: 'NodeNext',
          lib: ['ES2022'],
          types: [],
          skipLibCheck: true,
        },
        include: ['src'],
      }),
      'src/ok.ts': 'export const one: number = 1;\n',
      'src/bad.ts': 'export const count: number = 1;\nexport const name: string = count;\n',
    });
    const tsc = path.join(REPOSITORY_NODE_MODULES, '.bin', 'tsc');
    const outcome = await runShellCommand(`${tsc} --noEmit --pretty false -p ${project.root}`, {
      cwd: project.root,
    });
    expect(outcome.exitCode).toBe(2);
    const result = parseTsc(outcome.output, project.root);
    if (!result.ok) throw new Error(result.error);
    report = result.report;
  });

  afterAll(async () => {
    await project.remove();
  });

  it('reports the one error with its file, position and code', () => {
    expect(report.errors).toBe(1);
    expect(report.diagnostics).toEqual([
      {
        file: 'src/bad.ts',
        line: 2,
        column: 14,
        code: 'TS2322',
        message: "Type 'number' is not assignable to type 'string'.",
        severity: 'error',
      },
    ]);
  });
});
