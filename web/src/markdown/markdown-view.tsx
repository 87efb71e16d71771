import { Fragment, type ReactNode } from 'react';
import { parseInline, parseMarkdown, type InlinePiece } from './parse-markdown.ts';

function Inline({ pieces }: { pieces: InlinePiece[] }): ReactNode {
  return pieces.map((piece, index) => {
    switch (piece.kind) {
      case 'text':
        return <Fragment key={index}>{piece.text}</Fragment>;
      case 'code':
        return <code key={index}>{piece.text}</code>;
      case 'strong':
        return (
          <strong key={index}>
            <Inline pieces={piece.pieces} />
          </strong>
        );
      case 'emphasis':
        return (
          <em key={index}>
            <Inline pieces={piece.pieces} />
          </em>
        );
      case 'link':
        return (
          <a key={index} href={piece.href} rel="noopener noreferrer nofollow" target="_blank">
            <Inline pieces={piece.pieces} />
          </a>
        );
    }
  });
}

/**
 * Markdown rendered as React elements from parsed data: every piece of text is a text node, so
 * `<script>` or `<img onerror>` in a plan is shown, not run. Headings start at `baseLevel`.
 */
export function MarkdownView({ source, baseLevel = 3 }: { source: string; baseLevel?: number }) {
  const blocks = parseMarkdown(source);
  return (
    <div className="markdown">
      {blocks.map((block, index) => {
        switch (block.kind) {
          case 'heading': {
            const level = Math.min(6, baseLevel + block.level - 1);
            const Tag = `h${level}` as 'h3';
            return (
              <Tag key={index}>
                <Inline pieces={parseInline(block.text)} />
              </Tag>
            );
          }
          case 'paragraph':
            return (
              <p key={index}>
                <Inline pieces={parseInline(block.text)} />
              </p>
            );
          case 'list': {
            const items = block.items.map((item, itemIndex) => (
              <li key={itemIndex}>
                <Inline pieces={parseInline(item)} />
              </li>
            ));
            return block.ordered ? (
              <ol key={index} start={block.start}>
                {items}
              </ol>
            ) : (
              <ul key={index}>{items}</ul>
            );
          }
          case 'code':
            return (
              <pre key={index} className="code-block">
                <code>{block.text}</code>
              </pre>
            );
          case 'quote':
            return (
              <blockquote key={index}>
                <Inline pieces={parseInline(block.text)} />
              </blockquote>
            );
          case 'rule':
            return <hr key={index} />;
        }
      })}
    </div>
  );
}
