// Zero-width and bidirectional control characters can hide instructions from a human reviewer.
const invisibleCharacters = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u00AD]/g;
const htmlComments = /<!--[\s\S]*?(-->|$)/g;

/** Removes what a person reading the text would not see. */
export function sanitizeUntrustedText(text: string): string {
  return text.replace(htmlComments, '').replace(invisibleCharacters, '');
}

/**
 * Wraps outside text (issue bodies, error messages, logs) so the prompt marks it as data.
 * The closing tag inside the text is neutralised so it cannot end the block early.
 */
export function untrustedBlock(label: string, text: string): string {
  const cleaned = sanitizeUntrustedText(text).replace(/<\/?untrusted[^>]*>/gi, '[tag removed]');
  return `<untrusted source="${label}">\n${cleaned}\n</untrusted>`;
}
