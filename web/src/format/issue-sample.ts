import type { IssueSample, SampleException, StackFrame } from '../api/types.ts';

/** The exceptions of a sample, whichever of the two shapes it came in. */
export function sampleExceptions(sample: IssueSample): SampleException[] {
  if (!sample.exception) return [];
  return Array.isArray(sample.exception) ? sample.exception : (sample.exception.values ?? []);
}

export function exceptionFrames(exception: SampleException): StackFrame[] {
  return exception.frames ?? exception.stacktrace?.frames ?? [];
}

export function sampleMessage(sample: IssueSample): string {
  if (typeof sample.message === 'string') return sample.message;
  return sample.message?.formatted ?? '';
}

export function sampleTime(sample: IssueSample): string | undefined {
  if (sample.at) return sample.at;
  if (typeof sample.timestamp === 'number') return new Date(sample.timestamp * 1000).toISOString();
  return sample.timestamp;
}

/** Innermost frame first, as people read a stack; frames from the application marked. */
export function formatFrames(frames: StackFrame[]): string {
  return frames
    .slice()
    .reverse()
    .map(
      (frame) =>
        `${frame.inApp || frame.in_app ? '→ ' : '  '}${frame.function ?? '<anonymous>'} (${frame.filename ?? '?'}:${frame.lineno ?? '?'}${frame.colno ? `:${frame.colno}` : ''})`,
    )
    .join('\n');
}
