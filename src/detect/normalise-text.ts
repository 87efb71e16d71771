/**
 * Replaces the parts of a message that change from one occurrence to the next (ids, numbers,
 * quoted values, addresses, dates) with placeholders, so `user 42 not found` and
 * `user 97 not found` group together. Order matters: wider patterns go first.
 */
const replacements: [RegExp, string][] = [
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, '<email>'],
  [/\b\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?/g, '<date>'],
  [/https?:\/\/[^\s'"]+/g, '<url>'],
  [/"[^"\n]*"|'[^'\n]*'|`[^`\n]*`/g, '<quoted>'],
  [/\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b/g, '<ip>'],
  [/\b0x[0-9a-f]+\b/gi, '<hex>'],
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, '<hex>'],
  [/\b\d+(\.\d+)?\b/g, '<int>'],
];

export function normaliseText(text: string): string {
  let result = text.slice(0, 2000);
  for (const [pattern, placeholder] of replacements) result = result.replace(pattern, placeholder);
  return result.replace(/\s+/g, ' ').trim();
}
