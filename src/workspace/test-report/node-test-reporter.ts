/**
 * A node:test reporter that writes one JSON object per finished test. Node 20's TAP reporter
 * names the file only of failed tests, so a test's id would change between a red run and a green
 * one; the `test:pass`/`test:fail` events carry the file of every test. It is passed to Node as a
 * data: URL so nothing has to be written into the repository under test.
 */
const REPORTER_SOURCE = `
export default async function* menderReporter(source) {
  for await (const event of source) {
    try {
      const data = event.data || {};
      if (event.type === 'test:pass' || event.type === 'test:fail') {
        const details = data.details || {};
        const record = {
          type: event.type, name: data.name, nesting: data.nesting,
          file: data.file, line: data.line, column: data.column,
        };
        if (data.skip !== undefined && data.skip !== false) record.skip = true;
        if (data.todo !== undefined && data.todo !== false) record.todo = true;
        if (details.type === 'suite') record.suite = true;
        const error = details.error;
        if (error) {
          record.failureType = error.failureType;
          const cause = error.cause;
          const origin = cause !== null && typeof cause === 'object' && 'message' in cause ? cause : error;
          record.error = cause !== undefined && origin === error && typeof cause !== 'object'
            ? String(cause) : String(origin.message);
          if (typeof origin.stack === 'string') record.stack = origin.stack;
        }
        yield JSON.stringify(record) + '\\n';
      } else if (event.type === 'test:stderr') {
        yield JSON.stringify({ type: event.type, file: data.file, message: data.message }) + '\\n';
      }
    } catch {
      // A reporter that throws would break the run it is only meant to observe.
    }
  }
}
`;

/** The reporter as a module specifier Node can import. */
export const NODE_TEST_REPORTER_URL = `data:text/javascript;base64,${Buffer.from(REPORTER_SOURCE).toString('base64')}`;

/**
 * NODE_OPTIONS that keep Node's usual spec output on stdout (for people and logs) and write the
 * machine-readable events to the report file.
 */
export function nodeTestReporterOptions(reportFile: string): string {
  return [
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    `--test-reporter=${NODE_TEST_REPORTER_URL}`,
    `--test-reporter-destination=${quoteForNodeOptions(reportFile)}`,
  ].join(' ');
}

/** NODE_OPTIONS splits on spaces but honours double quotes with backslash escapes. */
function quoteForNodeOptions(value: string): string {
  if (!/[\s"\\]/.test(value)) return value;
  return `"${value.replace(/(["\\])/g, '\\$1')}"`;
}
