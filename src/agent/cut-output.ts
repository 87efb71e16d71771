/** Keeps the head and the tail of a long text with a note about what was left out. */
export function cutToHeadAndTail(text: string, limit: number, note: string): string {
  if (text.length <= limit) return text;
  const half = Math.floor(limit / 2);
  const omitted = text.length - 2 * half;
  return `${text.slice(0, half)}\n[… ${omitted} characters omitted; ${note} …]\n${text.slice(text.length - half)}`;
}
