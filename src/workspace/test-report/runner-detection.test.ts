import { mkdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILE_FAILED_TO_LOAD } from './build-test-report.ts';
import { nodeTestReporterOptions } from './node-test-reporter.ts';
import { COMMAND_FAILURE_ID, planTestReporter, readTestReport, type ReporterPlan } from './runner-detection.ts';
import { NODE_TEST_SAMPLE_FILES, VITEST_SAMPLE_FILES, cleanEnvironment, createSampleProject, runShellCommand, type SampleProject } from './sample-projects.ts';

const REPORT = '/tmp/mender/report.json';
const VITEST_ARGUMENTS = `--reporter=default --reporter=json --outputFile.json=${REPORT}`;

describe('planTestReporter', () => {
  it('adds vitest reporters directly, or after -- when npm runs the script', () => {
    expect(planTestReporter('npx vitest run', {}, REPORT)).toEqual({
      runner: 'vitest',
      command: `npx vitest run ${VITEST_ARGUMENTS}`,
      env: {},
      reportFile: REPORT,
    });
    expect(planTestReporter('npm test', { test: 'vitest run' }, REPORT).command).toBe(`npm test -- ${VITEST_ARGUMENTS}`);
    expect(planTestReporter('npm run test:unit', { 'test:unit': 'vitest --run' }, REPORT).command).toBe(`npm run test:unit -- ${VITEST_ARGUMENTS}`);
  });

  it('passes through pnpm and yarn without a separator', () => {
    const scripts = { test: 'vitest run' };
    expect(planTestReporter('pnpm test', scripts, REPORT).command).toBe(`pnpm test ${VITEST_ARGUMENTS}`);
    expect(planTestReporter('yarn test', scripts, REPORT).command).toBe(`yarn test ${VITEST_ARGUMENTS}`);
  });

  it('adds jest and mocha JSON reporters', () => {
    expect(planTestReporter('jest --ci', {}, REPORT)).toMatchObject({
      runner: 'jest',
      command: `jest --ci --json --outputFile=${REPORT}`,
    });
    expect(planTestReporter('npm test', { test: 'cross-env NODE_ENV=test jest' }, REPORT).command).toBe(`npm test -- --json --outputFile=${REPORT}`);
    expect(planTestReporter('npm test', { test: 'nyc mocha "test/**/*.spec.js"' }, REPORT)).toMatchObject({
      runner: 'mocha',
      command: `npm test -- --reporter json --reporter-option output=${REPORT}`,
    });
  });

  it('uses NODE_OPTIONS for node:test wherever node --test sits in the script', () => {
    const expected = {
      runner: 'node-test',
      env: { NODE_OPTIONS: nodeTestReporterOptions(REPORT) },
    };
    expect(planTestReporter('node  --test', {}, REPORT)).toMatchObject({
      ...expected,
      command: 'node  --test',
    });
    expect(planTestReporter('npm test', { test: 'tsc -b && node --test dist/ && echo ok' }, REPORT)).toMatchObject({
      ...expected,
      command: 'npm test',
    });
    expect(planTestReporter('yarn test', { test: 'tsx --test src/**/*.test.ts' }, REPORT).runner).toBe('node-test');
  });

  it('inserts the arguments before a following command and quotes unusual paths', () => {
    expect(planTestReporter('npm test && echo finished', { test: 'jest' }, REPORT).command).toBe(`npm test -- --json --outputFile=${REPORT} && echo finished`);
    expect(planTestReporter('jest', {}, "/tmp/it's here/r.json").command).toBe(`jest --json '--outputFile=/tmp/it'\\''s here/r.json'`);
  });

  it('leaves the command alone when the runner is unknown or unreachable by arguments', () => {
    const unknown = (command: string, scripts: Record<string, string>) =>
      expect(planTestReporter(command, scripts, REPORT)).toEqual({
        runner: 'unknown',
        command,
        env: {},
        reportFile: REPORT,
      });
    unknown('make test', {});
    unknown('npm test', { test: 'ava' });
    unknown('npm test', {});
    unknown('npm test', { test: 'vitest run && node scripts/check-coverage.js' });
  });
});

describe('readTestReport', () => {
  const vitestPlan: Pick<ReporterPlan, 'runner'> = { runner: 'vitest' };
  const jestJson = (status: 'passed' | 'failed') =>
    JSON.stringify({
      testResults: [
        {
          name: '/repo/src/a.test.ts',
          status,
          message: '',
          assertionResults: [
            {
              ancestorTitles: [],
              title: 'works',
              status,
              failureMessages: status === 'failed' ? ['boom'] : [],
            },
          ],
        },
      ],
    });

  it('uses the runner’s report when it is readable', () => {
    const report = readTestReport(vitestPlan, jestJson('failed'), 1, 'tail', '/repo');
    expect(report).toMatchObject({ runner: 'vitest', structured: true, passed: 0, failed: 1 });
    expect(report.failures.map((failure) => failure.id)).toEqual(['src/a.test.ts::works']);
  });

  it('falls back to the exit code when the report is missing or unreadable', () => {
    expect(readTestReport(vitestPlan, undefined, 0, 'all good', '/repo')).toEqual({
      runner: 'vitest',
      structured: false,
      passed: 0,
      failed: 0,
      skipped: 0,
      tests: [],
      failures: [],
    });
    expect(readTestReport({ runner: 'jest' }, '{ truncated', 1, 'Error: out of memory', '/repo')).toEqual({
      runner: 'jest',
      structured: false,
      passed: 0,
      failed: 1,
      skipped: 0,
      tests: [],
      failures: [
        {
          id: COMMAND_FAILURE_ID,
          file: '',
          name: '(command failed)',
          status: 'failed',
          message: 'Error: out of memory',
        },
      ],
    });
    expect(readTestReport({ runner: 'unknown' }, 'whatever', null, 'killed', '/repo').failed).toBe(1);
  });

  it('adds a command failure when the command failed but the report names no failing test', () => {
    const report = readTestReport(vitestPlan, jestJson('passed'), 1, 'Unhandled Rejection', '/repo');
    expect(report).toMatchObject({ structured: true, passed: 1, failed: 1 });
    expect(report.failures).toEqual([
      {
        id: COMMAND_FAILURE_ID,
        file: '',
        name: '(command failed)',
        status: 'failed',
        message: 'Unhandled Rejection',
      },
    ]);
  });

  it('reads both Mender’s node:test events and Node’s TAP', () => {
    const events = '{"type":"test:pass","name":"works","nesting":0,"file":"/repo/test/a.test.js","line":1,"column":1}\n';
    expect(readTestReport({ runner: 'node-test' }, events, 0, '', '/repo').tests.map((test) => test.id)).toEqual(['test/a.test.js::works']);
    const tap = "TAP version 13\nnot ok 1 - works\n  ---\n  location: '/repo/test/a.test.js:1:1'\n  error: 'no'\n  ...\n";
    expect(readTestReport({ runner: 'node-test' }, tap, 1, '', '/repo').failures.map((test) => test.id)).toEqual(['test/a.test.js::works']);
  });
});

describe('a planned run through npm, end to end', () => {
  let vitestProject: SampleProject;
  let nodeTestProject: SampleProject;

  beforeAll(async () => {
    vitestProject = await createSampleProject(
      {
        ...VITEST_SAMPLE_FILES,
        // A script that calls another through npm: each npm hop needs its own --.
        'package.json': JSON.stringify({
          type: 'module',
          scripts: { test: 'npm run unit', unit: 'vitest run' },
        }),
      },
      { linkNodeModules: true },
    );
    nodeTestProject = await createSampleProject(NODE_TEST_SAMPLE_FILES);
  });

  afterAll(async () => {
    await vitestProject.remove();
    await nodeTestProject.remove();
  });

  async function runPlanned(project: SampleProject, scripts: Record<string, string>) {
    const reportFile = path.join(project.root, '.mender', 'report');
    // The caller creates the folder: node:test exits with code 7 when it cannot open the file.
    await mkdir(path.dirname(reportFile), { recursive: true });
    await rm(reportFile, { force: true });
    const plan = planTestReporter('npm test', scripts, reportFile);
    const outcome = await runShellCommand(plan.command, {
      cwd: project.root,
      env: cleanEnvironment(plan.env),
    });
    const reportText = await readFile(reportFile, 'utf8').catch(() => undefined);
    return {
      plan,
      outcome,
      report: readTestReport(plan, reportText, outcome.exitCode, outcome.output.slice(-2000), project.root),
    };
  }

  it('gets a structured vitest report through nested npm scripts', async () => {
    const { plan, outcome, report } = await runPlanned(vitestProject, {
      test: 'npm run unit',
      unit: 'vitest run',
    });
    expect(plan.command).toContain('npm test -- -- --reporter=default');
    expect(outcome.exitCode).toBe(1);
    expect(outcome.output).toContain('subtracts');
    expect(report).toMatchObject({
      runner: 'vitest',
      structured: true,
      passed: 1,
      failed: 2,
      skipped: 2,
    });
    expect(report.failures.map((failure) => failure.id).sort()).toEqual([
      `src/broken.test.ts::${FILE_FAILED_TO_LOAD}`,
      'src/math.test.ts::math > nested > subtracts',
    ]);
  });

  it('gets a structured node:test report through npm via NODE_OPTIONS', async () => {
    const { outcome, report } = await runPlanned(nodeTestProject, { test: 'node --test' });
    expect(outcome.exitCode).toBe(1);
    expect(outcome.output).toContain('✖ subtracts');
    expect(report).toMatchObject({
      runner: 'node-test',
      structured: true,
      passed: 2,
      failed: 2,
      skipped: 2,
    });
    expect(report.failures.map((failure) => failure.id).sort()).toEqual([
      `test/broken.test.js::${FILE_FAILED_TO_LOAD}`,
      'test/math.test.js::math > nested > subtracts',
    ]);
  });
});
