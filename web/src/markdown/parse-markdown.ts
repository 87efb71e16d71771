/**
 * A small Markdown block parser for PLAN.md and review text: headings, paragraphs, lists, code
 * fences and quotes. It produces data, never HTML; the view renders text nodes, so any HTML in
 * the source shows as the literal characters it is.
 */
export type MarkdownBlock =
  | { kind: 'heading'; level: number; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; ordered: boolean; start: number; items: string[] }
  | { kind: 'code'; language: string; text: string }
  | { kind: 'quote'; text: string }
  | { kind: 'rule' };

const listItem = /^\s{0,3}([-*+]|\d{1,9}[.)])\s+(.*)$/;

export function parseMarkdown(source: string): MarkdownBlock[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: MarkdownBlock[] = [];
  let index = 0;
  while (index < lines.length) {
    const line = lines[index]!;
    if (!line.trim()) {
      index += 1;
      continue;
    }
    const fence = /^\s{0,3}(```+|~~~+)\s*([\w+-]*)/.exec(line);
    if (fence) {
      const marker = fence[1]!;
      const body: string[] = [];
      index += 1;
      while (index < lines.length && !lines[index]!.trim().startsWith(marker)) body.push(lines[index++]!);
      index += 1;
      blocks.push({ kind: 'code', language: fence[2] ?? '', text: body.join('\n') });
      continue;
    }
    const heading = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      blocks.push({ kind: 'heading', level: heading[1]!.length, text: heading[2]! });
      index += 1;
      continue;
    }
    if (/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) {
      blocks.push({ kind: 'rule' });
      index += 1;
      continue;
    }
    if (/^\s{0,3}>/.test(line)) {
      const body: string[] = [];
      while (index < lines.length && /^\s{0,3}>/.test(lines[index]!)) body.push(lines[index++]!.replace(/^\s{0,3}>\s?/, ''));
      blocks.push({ kind: 'quote', text: body.join(' ') });
      continue;
    }
    const first = listItem.exec(line);
    if (first) {
      const ordered = /\d/.test(first[1]!);
      const items: string[] = [];
      while (index < lines.length) {
        const match = listItem.exec(lines[index]!);
        if (match && /\d/.test(match[1]!) === ordered) {
          items.push(match[2]!);
          index += 1;
        } else if (lines[index]!.trim() && /^\s{2,}/.test(lines[index]!) && items.length) {
          items[items.length - 1] += ` ${lines[index]!.trim()}`;
          index += 1;
        } else break;
      }
      blocks.push({ kind: 'list', ordered, start: ordered ? Number.parseInt(first[1]!, 10) : 1, items });
      continue;
    }
    const body: string[] = [];
    while (index < lines.length && lines[index]!.trim() && !listItem.test(lines[index]!) && !/^\s{0,3}(#{1,6}\s|```|~~~|>)/.test(lines[index]!))
      body.push(lines[index++]!.trim());
    blocks.push({ kind: 'paragraph', text: body.join(' ') });
  }
  return blocks;
}

export type InlinePiece =
  | { kind: 'text'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'strong'; pieces: InlinePiece[] }
  | { kind: 'emphasis'; pieces: InlinePiece[] }
  | { kind: 'link'; href: string; pieces: InlinePiece[] };

const inlinePattern = /`([^`]+)`|\*\*(.+?)\*\*|__(.+?)__|\*([^*\s][^*]*?)\*|\[([^\]]+)\]\(([^)\s]+)\)/;

/** Links only to http(s) and mailto: a `javascript:` URL stays text. */
function safeHref(href: string): string | undefined {
  try {
    const url = new URL(href, 'https://invalid.example/');
    if (url.origin === 'https://invalid.example') return undefined;
    return ['http:', 'https:', 'mailto:'].includes(url.protocol) ? url.href : undefined;
  } catch {
    return undefined;
  }
}

export function parseInline(text: string): InlinePiece[] {
  const pieces: InlinePiece[] = [];
  let rest = text;
  while (rest) {
    const match = inlinePattern.exec(rest);
    if (!match) {
      pieces.push({ kind: 'text', text: rest });
      break;
    }
    if (match.index > 0) pieces.push({ kind: 'text', text: rest.slice(0, match.index) });
    const [whole, code, strong, strongUnderscore, emphasis, linkText, href] = match;
    if (code !== undefined) pieces.push({ kind: 'code', text: code });
    else if (strong !== undefined || strongUnderscore !== undefined) pieces.push({ kind: 'strong', pieces: parseInline((strong ?? strongUnderscore)!) });
    else if (emphasis !== undefined) pieces.push({ kind: 'emphasis', pieces: parseInline(emphasis) });
    else if (linkText !== undefined && href !== undefined) {
      const safe = safeHref(href);
      pieces.push(safe ? { kind: 'link', href: safe, pieces: parseInline(linkText) } : { kind: 'text', text: whole });
    }
    rest = rest.slice(match.index + whole.length);
  }
  return pieces;
}
