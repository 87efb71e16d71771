import fs from 'node:fs';
import path from 'node:path';
import type { SelfEvent, SelfState, SelfUpdate } from '../domain/self-update-vocabulary.ts';

const historyLimit = 50;
const eventLimit = 200;

/**
 * The supervisor's state in `<dataDir>/self/state.json`: which version serves, which one to go
 * back to, the update in flight and the finished ones. Written whole to a temporary file and
 * renamed, so a crash leaves the old state or the new one, never half of each.
 */
export class StateFile {
  constructor(readonly file: string) {}

  read(): SelfState | undefined {
    try {
      return JSON.parse(fs.readFileSync(this.file, 'utf8')) as SelfState;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new Error(`${this.file} is not readable state (${(error as Error).message}); move it aside to start from the checkout`);
    }
  }

  write(state: SelfState): void {
    fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const temporary = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, `${JSON.stringify(trimmed(state), null, 2)}\n`, { mode: 0o600 });
    fs.renameSync(temporary, this.file);
  }
}

function trimmed(state: SelfState): SelfState {
  return { ...state, history: state.history.slice(0, historyLimit), events: state.events.slice(-eventLimit) };
}

/** Appends one step, numbered after the last one. */
export function withEvent(state: SelfState, update: SelfUpdate, type: SelfEvent['type'], data: Record<string, unknown>, at: Date): SelfState {
  const seq = (state.events.at(-1)?.seq ?? 0) + 1;
  return { ...state, events: [...state.events, { seq, at: at.toISOString(), type, updateId: update.id, operationId: update.operationId, data }] };
}
