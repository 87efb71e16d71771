import { quoteShellArgument } from './shell-command.ts';

/** The environment variable naming the file Mender's jasmine reporter writes. */
export const JASMINE_REPORT_VARIABLE = 'MENDER_JASMINE_REPORT';

/**
 * A CommonJS module for jasmine's `--require=` that adds a reporter writing one JSON document
 * when the run ends. `--reporter=` would replace jasmine's console reporter (and any the
 * project configures); a required module runs with the `jasmine` global set and can add one
 * beside them. CommonJS loads under both of jasmine's `jsLoader` settings (import and require).
 * In `--parallel` runs requires load in the workers only, so nothing is written: the step is
 * then read from its exit code. Double quotes only: it travels single-quoted in a shell command.
 */
const REPORTER_SOURCE = `"use strict";
const fs = require("node:fs");
const cluster = require("node:cluster");
const file = process.env.${JASMINE_REPORT_VARIABLE};
if (file && !cluster.isWorker && typeof jasmine === "object" && jasmine !== null) {
  const suites = new Map();
  const specs = [];
  const suiteFailures = [];
  const namePath = (suiteId, last) => {
    const names = [last];
    for (let suite = suites.get(suiteId); suite !== undefined; suite = suites.get(suite.parent)) names.unshift(suite.description);
    return names;
  };
  const failures = (list) => (Array.isArray(list) ? list : []).map((item) => ({
    message: String(item && item.message),
    stack: item && typeof item.stack === "string" ? item.stack : "",
  }));
  jasmine.getEnv().addReporter({
    suiteStarted(result) {
      suites.set(result.id, { description: String(result.description), parent: result.parentSuiteId });
    },
    specDone(result) {
      specs.push({ path: namePath(result.parentSuiteId, String(result.description)), filename: result.filename || "", status: String(result.status), failures: failures(result.failedExpectations) });
    },
    suiteDone(result) {
      const list = failures(result.failedExpectations);
      if (list.length > 0) suiteFailures.push({ path: namePath(result.parentSuiteId, String(result.description)), filename: result.filename || "", failures: list });
    },
    jasmineDone(result) {
      const report = { reporter: "mender-jasmine", overallStatus: String(result.overallStatus), incompleteReason: result.incompleteReason || "", specs, suiteFailures, globalFailures: failures(result.failedExpectations) };
      fs.writeFileSync(file, JSON.stringify(report));
    },
  });
}
`;

/**
 * Runs a jasmine step with Mender's reporter: the module is written next to the report file
 * (outside the repository), then required. Braces keep the pair one command inside `||`,
 * `&&` and pipes.
 */
export function withJasmineReporter(text: string, reportFile: string): string {
  const moduleFile = quoteShellArgument(`${reportFile}.reporter.cjs`);
  const write = `printf '%s' ${quoteShellArgument(REPORTER_SOURCE)} > ${moduleFile}`;
  return `{ ${write}; ${JASMINE_REPORT_VARIABLE}=${quoteShellArgument(reportFile)} ${text} --require=${moduleFile}; }`;
}
