import { tokenize } from './highlight.ts';

/** One line of code as spans per token; text nodes only, so nothing in the code is interpreted. */
export function HighlightedCode({ text, language }: { text: string; language: string }) {
  return (
    <>
      {tokenize(text, language).map((token, index) =>
        token.kind === 'plain' ? (
          <span key={index}>{token.text}</span>
        ) : (
          <span key={index} className={`token-${token.kind}`}>
            {token.text}
          </span>
        ),
      )}
    </>
  );
}
