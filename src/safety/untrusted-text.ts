// Zero-width and bidirectional control characters can hide instructions from a human reviewer.
const invisibleCharacters = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u00AD]/g;
const htmlComments = /<!--[\s\S]*?(-->|$)/g;

/** Removes what a person reading the text would not see. */
export function sanitizeUntrustedText(text: string): string {
  // Invisible characters first: one inside `<!-\u200b-` must not keep a comment from being seen as one.
  return text.replace(invisibleCharacters, '').replace(htmlComments, '');
}

/**
 * Wraps outside text (issue bodies, error messages, logs) so the prompt marks it as data.
 * The closing tag inside the text is neutralised so it cannot end the block early.
 */
export function untrustedBlock(label: string, text: string): string {
  const cleaned = sanitizeUntrustedText(text).replace(/<\s*\/?\s*untrusted\b[^>]*>/gi, '[tag removed]');
  return `<untrusted source="${label}">\n${cleaned}\n</untrusted>`;
}
