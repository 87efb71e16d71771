/** GitHub refuses pull request and comment bodies longer than this many characters. */
export const githubBodyLimit = 65_536;

/** Marks Mender's own comments, so a webhook for them is ignored (and a human sees who wrote them). */
export const menderMarker = '<!-- mender -->';

/**
 * The pull request body: the change request's Markdown (plan, evidence, review) and the risk,
 * under GitHub's limit; a longer one is cut at a line with a note saying where the rest is.
 */
export function pullRequestBody(parts: { operationId: string; body: string; riskMarkdown?: string }, limit = githubBodyLimit): string {
  const footer = `\n\n---\nMender operation \`${parts.operationId}\` · \`mender status ${parts.operationId}\` ${menderMarker}`;
  const full = [parts.body.trim(), parts.riskMarkdown?.trim()].filter(Boolean).join('\n\n');
  return fitBody(full, footer, limit);
}

/** `text` followed by `footer`, cut (with a note) so the whole stays within `limit` characters. */
export function fitBody(text: string, footer: string, limit = githubBodyLimit): string {
  if (text.length + footer.length <= limit) return `${text}${footer}`;
  const note = `\n\n_[… cut: the full text (${text.length} characters) is longer than GitHub allows; see the operation in Mender]_`;
  let cut = text.slice(0, Math.max(0, limit - footer.length - note.length));
  const lastLine = cut.lastIndexOf('\n');
  if (lastLine > cut.length / 2) cut = cut.slice(0, lastLine);
  // An unclosed code fence would swallow the note and footer.
  if ((cut.match(/^```/gm)?.length ?? 0) % 2 === 1 && cut.length + 4 + note.length + footer.length <= limit) cut = `${cut}\n\`\`\``;
  return `${cut}${note}${footer}`;
}
