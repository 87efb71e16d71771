import { z } from 'zod';
import { parseJsonDocument } from './parse-json-document.ts';
import { toRepositoryPath } from './repository-path.ts';
import type { CheckReport, Diagnostic, ParseResult } from './types.ts';

const eslintMessageSchema = z.object({
  ruleId: z.string().nullish(),
  severity: z.number(),
  message: z.string(),
  line: z.number().nullish(),
  column: z.number().nullish(),
  fatal: z.boolean().nullish(),
});

const eslintResultsSchema = z.array(
  z.object({
    filePath: z.string(),
    messages: z.array(eslintMessageSchema),
    errorCount: z.number().nullish(),
    warningCount: z.number().nullish(),
  }),
);

/**
 * Parses `eslint -f json` output (noise before it, such as npm's banner, is skipped). Severity
 * 2 and fatal parsing errors are errors, 1 is a warning; a fatal message has no rule id.
 */
export function parseEslintJson(text: string, root: string): ParseResult<CheckReport> {
  const parsed = parseJsonDocument(text, eslintResultsSchema, '[');
  if (!parsed.ok) return { ok: false, error: `eslint JSON report: ${parsed.error}` };
  const diagnostics: Diagnostic[] = [];
  for (const result of parsed.value) {
    const file = toRepositoryPath(result.filePath, root);
    for (const message of result.messages) {
      if (message.severity < 1 && message.fatal !== true) continue;
      const diagnostic: Diagnostic = {
        file,
        message: message.message,
        severity: message.severity >= 2 || message.fatal === true ? 'error' : 'warning',
      };
      if (message.line != null) diagnostic.line = message.line;
      if (message.column != null) diagnostic.column = message.column;
      if (message.ruleId != null) diagnostic.code = message.ruleId;
      diagnostics.push(diagnostic);
    }
  }
  return {
    ok: true,
    report: {
      tool: 'eslint',
      structured: true,
      errors: diagnostics.filter((diagnostic) => diagnostic.severity === 'error').length,
      warnings: diagnostics.filter((diagnostic) => diagnostic.severity === 'warning').length,
      diagnostics,
    },
  };
}
