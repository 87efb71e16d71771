import path from 'node:path';
import { isAbsolute, toRepositoryPath } from './repository-path.ts';
import type { TestCaseResult, TestReport } from './types.ts';

/**
 * A workspace package step's report was parsed against the package folder (runners there report
 * paths relative to it); this makes its files and ids relative to the repository root again, so
 * `test/x.test.js` of `packages/a` becomes `packages/a/test/x.test.js`. Files outside the package
 * (still absolute) are made relative to the root too.
 */
export function rebasePackageReport(report: TestReport, directory: string, root: string): TestReport {
  const rebase = (test: TestCaseResult): TestCaseResult => {
    if (test.file === '') return test;
    const file = isAbsolute(test.file) ? toRepositoryPath(test.file, root) : path.posix.normalize(path.posix.join(directory, test.file));
    const id = test.id.startsWith(`${test.file}::`) ? `${file}::${test.id.slice(test.file.length + 2)}` : test.id;
    return { ...test, file, id };
  };
  return { ...report, tests: report.tests.map(rebase), failures: report.failures.map(rebase) };
}
