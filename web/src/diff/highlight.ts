/**
 * A small syntax tokenizer for the diff viewer: comments, strings, numbers, keywords and
 * punctuation, by language family. Line by line (a diff shows fragments), so a comment that
 * opens on an earlier line is not known; that is the price of not parsing whole files.
 */
export type TokenKind = 'plain' | 'keyword' | 'string' | 'number' | 'comment' | 'type' | 'punctuation';

export interface Token {
  kind: TokenKind;
  text: string;
}

interface Language {
  keywords: Set<string>;
  lineComment?: string;
  blockComment?: [string, string];
  strings: string[];
}

const words = (list: string) => new Set(list.split(/\s+/).filter(Boolean));

const cLike = { lineComment: '//', blockComment: ['/*', '*/'] as [string, string], strings: ['"', "'", '`'] };

const languages: Record<string, Language> = {
  javascript: {
    ...cLike,
    keywords: words(
      'abstract as async await break case catch class const continue debugger declare default delete do else enum export extends false finally for from function get if implements import in instanceof interface keyof let new null of private protected public readonly return satisfies set static super switch this throw true try type typeof undefined var void while with yield',
    ),
  },
  python: {
    lineComment: '#',
    strings: ['"', "'"],
    keywords: words(
      'and as assert async await break class continue def del elif else except False finally for from global if import in is lambda None nonlocal not or pass raise return True try while with yield self',
    ),
  },
  go: {
    ...cLike,
    keywords: words(
      'break case chan const continue default defer else fallthrough for func go goto if import interface map package range return select struct switch type var nil true false',
    ),
  },
  rust: {
    ...cLike,
    keywords: words(
      'as async await break const continue crate dyn else enum extern false fn for if impl in let loop match mod move mut pub ref return self Self static struct super trait true type unsafe use where while',
    ),
  },
  java: {
    ...cLike,
    keywords: words(
      'abstract boolean break byte case catch char class const continue default do double else enum extends final finally float for if implements import instanceof int interface long new null package private protected public return short static super switch this throw throws true false try void volatile while',
    ),
  },
  shell: { lineComment: '#', strings: ['"', "'"], keywords: words('if then else elif fi for in do done while case esac function return export local set') },
  css: { blockComment: ['/*', '*/'], strings: ['"', "'"], keywords: words('important media import from to') },
  data: { lineComment: '#', strings: ['"', "'"], keywords: words('true false null yes no') },
  plain: { strings: [], keywords: new Set() },
};

const extensions: Record<string, string> = {
  ts: 'javascript',
  tsx: 'javascript',
  js: 'javascript',
  jsx: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  mts: 'javascript',
  cts: 'javascript',
  json: 'data',
  py: 'python',
  go: 'go',
  rs: 'rust',
  java: 'java',
  kt: 'java',
  c: 'java',
  h: 'java',
  cpp: 'java',
  cs: 'java',
  sh: 'shell',
  bash: 'shell',
  css: 'css',
  scss: 'css',
  yml: 'data',
  yaml: 'data',
  toml: 'data',
};

export function languageOf(path: string): string {
  const extension = /\.([a-z0-9]+)$/i.exec(path)?.[1]?.toLowerCase() ?? '';
  return extensions[extension] ?? 'plain';
}

const numberPattern = /^(0x[0-9a-f_]+|\d[\d_]*(\.\d+)?(e[+-]?\d+)?n?)/i;
const wordPattern = /^[A-Za-z_$][\w$]*/;

export function tokenize(line: string, languageName: string): Token[] {
  const language = languages[languageName] ?? languages.plain!;
  if (languageName === 'plain') return [{ kind: 'plain', text: line }];
  const tokens: Token[] = [];
  const push = (kind: TokenKind, text: string) => {
    const last = tokens[tokens.length - 1];
    if (last && last.kind === kind) last.text += text;
    else tokens.push({ kind, text });
  };
  let index = 0;
  while (index < line.length) {
    const rest = line.slice(index);
    if (language.lineComment && rest.startsWith(language.lineComment)) {
      push('comment', rest);
      break;
    }
    if (language.blockComment && rest.startsWith(language.blockComment[0])) {
      const end = rest.indexOf(language.blockComment[1], language.blockComment[0].length);
      const text = end === -1 ? rest : rest.slice(0, end + language.blockComment[1].length);
      push('comment', text);
      index += text.length;
      continue;
    }
    // A line that continues a block comment (` * …`) reads as one.
    if (index === 0 && language.blockComment && /^\s*\*(\s|\/|$)/.test(line)) {
      push('comment', line);
      break;
    }
    const quote = language.strings.find((candidate) => rest.startsWith(candidate));
    if (quote) {
      let end = 1;
      while (end < rest.length && rest[end] !== quote) end += rest[end] === '\\' ? 2 : 1;
      const text = rest.slice(0, end + 1);
      push('string', text);
      index += text.length;
      continue;
    }
    const number = numberPattern.exec(rest);
    if (number && !/[\w$]/.test(line[index - 1] ?? '')) {
      push('number', number[0]);
      index += number[0].length;
      continue;
    }
    const word = wordPattern.exec(rest);
    if (word) {
      const kind: TokenKind = language.keywords.has(word[0]) ? 'keyword' : /^[A-Z][a-z]/.test(word[0]) ? 'type' : 'plain';
      push(kind, word[0]);
      index += word[0].length;
      continue;
    }
    const character = rest[0]!;
    push(/[{}()[\];,.<>=+\-*/%!&|^~?:]/.test(character) ? 'punctuation' : 'plain', character);
    index += 1;
  }
  return tokens;
}
