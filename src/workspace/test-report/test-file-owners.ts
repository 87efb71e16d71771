import path from 'node:path';

/** The test files one runner invocation of the chain reported at baseline. */
export interface StepFiles {
  command: string;
  scripts: string[];
  files: string[];
}

/** Which changed test files a step of the chain should run, or undefined when nothing is known. */
export type OwnerResolver = (command: string, scripts: string[]) => string[] | undefined;

const stepKey = (command: string, scripts: string[]) => `${scripts.join(' > ')}\u0000${command}`;

/**
 * Decides from the baseline run which step runs which changed test file, so a chain of several
 * runners (mocha for units, jest for a folder, Playwright for e2e) gives each file only to the
 * runner that ran it: a file the baseline ran goes to the steps that ran it; a new file to the
 * steps that ran files in the nearest folder. Without a baseline report, undefined: the caller
 * then gives every step every file its arguments select.
 */
export function createOwnerResolver(baseline: readonly StepFiles[], changedFiles: readonly string[]): OwnerResolver | undefined {
  const withFiles = baseline.filter((step) => step.files.length > 0);
  if (withFiles.length === 0) return undefined;
  const owners = new Map<string, string[]>();
  for (const file of changedFiles) {
    for (const step of ownersOf(withFiles, file)) {
      const key = stepKey(step.command, step.scripts);
      owners.set(key, [...(owners.get(key) ?? []), file]);
    }
  }
  return (command, scripts) => owners.get(stepKey(command, scripts)) ?? [];
}

function ownersOf(steps: readonly StepFiles[], file: string): StepFiles[] {
  const exact = steps.filter((step) => step.files.includes(file));
  if (exact.length > 0) return exact;
  // A new file: the steps whose files share the longest folder with it.
  let best = -1;
  let chosen: StepFiles[] = [];
  for (const step of steps) {
    const depth = Math.max(...step.files.map((other) => sharedFolderDepth(file, other)));
    if (depth > best) {
      best = depth;
      chosen = [step];
    } else if (depth === best) chosen.push(step);
  }
  return chosen;
}

function sharedFolderDepth(a: string, b: string): number {
  const left = path.posix.dirname(a).split('/');
  const right = path.posix.dirname(b).split('/');
  let depth = 0;
  while (depth < left.length && depth < right.length && left[depth] === right[depth]) depth += 1;
  return depth;
}

/** At most this many files per step are kept with the baseline (evidence is stored on the operation). */
const maxFilesPerStep = 5_000;

/** The test files each step of a report ran, for `createOwnerResolver`. */
export function stepFilesOf(report: { steps?: { command: string; scripts: string[] }[]; tests: { file: string; step?: number }[] }): StepFiles[] {
  return (report.steps ?? []).map((step, index) => ({
    command: step.command,
    scripts: step.scripts,
    files: [...new Set(report.tests.filter((test) => test.step === index && test.file !== '').map((test) => test.file))].slice(0, maxFilesPerStep),
  }));
}
