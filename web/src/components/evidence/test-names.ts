import type { FailureSummary } from '../../../../src/server/api-types.ts';

/** `file::name` → `file › name`: how a test id reads on the page. */
export function testName(id: string): string {
  const separator = id.indexOf('::');
  if (separator < 0) return id;
  const file = id.slice(0, separator);
  const name = id.slice(separator + 2);
  return file ? `${file} › ${name}` : name;
}

/** A failure's name from its own fields when it has them, else from its id. */
export function failureName(failure: FailureSummary): string {
  return failure.file && failure.name ? `${failure.file} › ${failure.name}` : testName(failure.id);
}
