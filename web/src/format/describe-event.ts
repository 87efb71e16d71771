import type { TimelineEvent } from '../../../src/server/api-types.ts';
import type { EventType } from '../../../src/domain/operation-vocabulary.ts';
import { statusLabel } from './status.ts';

export type EventKind = 'transition' | 'tool' | 'model' | 'decision' | 'failure' | 'info';

const decisionTypes = /approved|rejected|changes_requested|cancelled|retried|refused|paused|resumed|rolled_back|auto_approved/;

function text(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Short text for a tool's input on the timeline: the path or pattern, else its keys. */
function toolInput(input: unknown): string {
  if (!input || typeof input !== 'object') return text(input);
  const record = input as Record<string, unknown>;
  for (const key of ['path', 'pattern', 'directory', 'files']) if (record[key] !== undefined) return text(record[key]);
  const keys = Object.keys(record);
  return keys.length ? keys.join(', ') : '';
}

/** How an event reads on a timeline: its kind (for the marker), a headline and a detail line. */
export function describeEvent(event: TimelineEvent): { kind: EventKind; headline: string; detail: string } {
  const data = event.data ?? {};
  if (event.type === ('tool.called' satisfies EventType)) {
    const ok = data.ok !== false;
    return {
      kind: ok ? 'tool' : 'failure',
      headline: `${text(data.tool)}(${toolInput(data.input)})`,
      detail: [
        ok ? 'ok' : `failed${data.errorCode ? `: ${text(data.errorCode)}` : ''}`,
        typeof data.durationMs === 'number' ? `${Math.round(data.durationMs)} ms` : '',
        event.actor,
      ]
        .filter(Boolean)
        .join(' · '),
    };
  }
  if (event.type === ('model.called' satisfies EventType)) {
    return {
      kind: 'model',
      headline: `${text(data.role)} model call`,
      detail: `${text(data.model)} · ${text(data.inputTokens)} in / ${text(data.outputTokens)} out tokens`,
    };
  }
  const transition = typeof data.to === 'string' ? `${statusLabel(text(data.from))} → ${statusLabel(data.to)}` : '';
  const extras: string[] = [];
  for (const key of ['reason', 'comment', 'gate', 'level', 'requiredLevel', 'role', 'attempt', 'summary', 'passed', 'failed', 'branch', 'steps']) {
    if (data[key] !== undefined && data[key] !== null && data[key] !== '') extras.push(`${key}: ${text(data[key])}`);
  }
  const kind: EventKind = /failed|error/.test(event.type) ? 'failure' : decisionTypes.test(event.type) ? 'decision' : transition ? 'transition' : 'info';
  return { kind, headline: event.type.replace(/[._]/g, ' '), detail: [transition, ...extras, `by ${event.actor}`].filter(Boolean).join(' · ') };
}
