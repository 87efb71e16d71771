import crypto from 'node:crypto';
import path from 'node:path';
import type { DetectedEvent, EventFrame } from './detected-event.ts';
import { normaliseText } from './normalise-text.ts';

export const groupingVersion = 'mender:2026-11';

export interface Grouping {
  version: string;
  hash: string;
  /** What went into the hash, in order; a human can compare two issues' parts. */
  parts: string[];
  /** Which rule produced the parts, and why the others did not apply. */
  basis: 'fingerprint' | 'stacktrace' | 'exception' | 'message';
  explanation: string;
}

interface DefaultParts {
  parts: string[];
  basis: Exclude<Grouping['basis'], 'fingerprint'>;
  explanation: string;
}

const defaultVariable = /^\{\{\s*default\s*\}\}$/;

/**
 * Groups an event as Sentry does: the event's own fingerprint (with `{{ default }}` standing for
 * the default parts); else the application's stack frames (module or file base name and
 * function, never line or column, so code that moves does not look like a new error); else the
 * exception type and normalised value; else the normalised message.
 */
export function groupEvent(event: DetectedEvent): Grouping {
  const fallback = defaultParts(event);
  if (event.fingerprint?.length) {
    const usesDefault = event.fingerprint.some((part) => defaultVariable.test(part));
    const parts = event.fingerprint.flatMap((part) => (defaultVariable.test(part) ? fallback.parts : [`fingerprint:${part}`]));
    const explanation = usesDefault
      ? `the event's fingerprint [${event.fingerprint.join(', ')}], with {{ default }} expanded to the default grouping (${fallback.explanation})`
      : `the event carries a fingerprint [${event.fingerprint.join(', ')}]: it replaces the default grouping`;
    return finish(parts, 'fingerprint', explanation);
  }
  return finish(fallback.parts, fallback.basis, fallback.explanation);
}

function finish(parts: string[], basis: Grouping['basis'], explanation: string): Grouping {
  const hash = crypto
    .createHash('sha256')
    .update(`${groupingVersion}\u0000${parts.join('\u0000')}`)
    .digest('hex')
    .slice(0, 32);
  return { version: groupingVersion, hash, parts, basis, explanation };
}

function defaultParts(event: DetectedEvent): DefaultParts {
  const withFrames = event.exception.map((exception) => ({ exception, frames: exception.frames.filter((frame) => frame.inApp).map(frameIdentity) }));
  if (withFrames.some((item) => item.frames.length > 0)) {
    const parts = withFrames.flatMap((item) => [`type:${item.exception.type}`, ...item.frames.map((frame) => `frame:${frame}`)]);
    const frameCount = withFrames.reduce((total, item) => total + item.frames.length, 0);
    return {
      parts,
      basis: 'stacktrace',
      explanation: `${frameCount} in-app stack frame(s) by module (or file base name) and function, with the exception type; line and column numbers and the message are left out so the same error from moved code or with different values stays one issue`,
    };
  }
  if (event.exception.length) {
    const parts = event.exception.flatMap((exception) => [`type:${exception.type}`, `value:${normaliseText(exception.value)}`]);
    const why = event.exception.some((exception) => exception.frames.length) ? 'no stack frame is in-app' : 'the exception has no stack trace';
    return {
      parts,
      basis: 'exception',
      explanation: `${why}: exception type and value, with numbers, hex, ids, quoted strings, dates and addresses replaced by placeholders`,
    };
  }
  return {
    parts: [`message:${normaliseText(event.message)}`],
    basis: 'message',
    explanation: 'no exception: the message, with numbers, hex, ids, quoted strings, dates and addresses replaced by placeholders',
  };
}

/** `module` when the SDK gives one, else the file's base name; plus the function. */
function frameIdentity(frame: EventFrame): string {
  const where = frame.module || (frame.filename ? path.posix.basename(frame.filename.replace(/\\/g, '/').replace(/[?#].*$/, '')) : '<unknown>');
  return `${where}:${normaliseFunction(frame.function)}`;
}

/** Drops what differs between builds or call sites but not between errors: `async `, `Object.`, `new `. */
function normaliseFunction(name: string | undefined): string {
  const stripped = (name ?? '').replace(/^(async |new )/, '').replace(/^Object\./, '');
  return !stripped || stripped === '?' ? '<anonymous>' : stripped;
}

/** Title and culprit as Sentry shows them. */
export function describeEvent(event: DetectedEvent): { title: string; culprit: string } {
  const last = event.exception[event.exception.length - 1];
  const title = (last ? `${last.type}: ${last.value}` : event.message || '(no message)').split('\n')[0]!.slice(0, 300);
  const frames = last?.frames ?? [];
  const culpritFrame = [...frames].reverse().find((frame) => frame.inApp) ?? frames[frames.length - 1];
  const culprit = culpritFrame
    ? `${culpritFrame.function ?? '<anonymous>'} (${culpritFrame.module || path.posix.basename(culpritFrame.filename ?? '?')})`
    : (event.route ?? '');
  return { title, culprit };
}
