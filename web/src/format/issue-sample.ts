import type { EventException, EventFrame, IssueSample } from '../../../src/server/api-types.ts';

// Samples are kept as digest writes them (`IssueSample`): exceptions oldest first, frames on each,
// `inApp` camel-cased, the message as text, the event's own timestamp as ISO text when it sent one.

/** The exceptions of a sample. */
export function sampleExceptions(sample: IssueSample): EventException[] {
  return sample.exception ?? [];
}

export function exceptionFrames(exception: EventException): EventFrame[] {
  return exception.frames ?? [];
}

export function sampleMessage(sample: IssueSample): string {
  return sample.message ?? '';
}

/** The time the application gave the event, if it gave one. */
export function sampleTime(sample: IssueSample): string | undefined {
  return sample.timestamp;
}

/** Innermost frame first, as people read a stack; frames from the application marked. */
export function formatFrames(frames: EventFrame[]): string {
  return frames
    .slice()
    .reverse()
    .map(
      (frame) =>
        `${frame.inApp ? '→ ' : '  '}${frame.function ?? '<anonymous>'} (${frame.filename ?? '?'}:${frame.lineno ?? '?'}${frame.colno ? `:${frame.colno}` : ''})`,
    )
    .join('\n');
}
