import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseJsonDocument } from './parse-json-document.ts';

const schema = z.array(z.object({ name: z.string() }));

describe('parseJsonDocument', () => {
  it('parses a plain document', () => {
    expect(parseJsonDocument('[{"name":"a"}]', schema, '[')).toEqual({
      ok: true,
      value: [{ name: 'a' }],
    });
  });

  it('skips an npm banner before the document and noise after it', () => {
    const text = '\n> app@1.0.0 lint\n> eslint . -f json\n\n[{"name":"b"}]\nnpm notice done\n';
    expect(parseJsonDocument(text, schema, '[')).toEqual({ ok: true, value: [{ name: 'b' }] });
  });

  it('reports a shape error without throwing', () => {
    const result = parseJsonDocument('[{"name":1}]', schema, '[');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain('expected shape');
  });

  it('reports garbage and empty input without throwing', () => {
    expect(parseJsonDocument('not json at all {', schema, '[')).toEqual({
      ok: false,
      error: 'no JSON document found',
    });
    expect(parseJsonDocument('   ', schema, '[')).toEqual({
      ok: false,
      error: 'the report is empty',
    });
  });
});
