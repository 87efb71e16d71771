import type { OperationRow } from '../pipeline/operation-store.ts';
import { isTerminalStatus } from '../domain/operation-vocabulary.ts';

/** How long a title or a status reason may be in a list row; the whole text is on the operation's page. */
const titleLength = 120;
const reasonLength = 160;

/** The fields a list row shows beside the row's own: what it is, why it is where it is, how big and how costly. */
export interface OperationListFields {
  /** One line: the plan's summary, else the detected error for detector work, else the description's first line. */
  title: string;
  /** Why the operation is in its status, in words (a failure's reason, the gate it waits at); null when the status says it all. */
  statusReason: string | null;
  riskLevel: string | null;
  size: { files: number; insertions: number; deletions: number } | null;
  /** When it ended (its last update, for an operation in a terminal status); null while it runs. */
  endedAt: string | null;
  /** Model cost in US dollars from the price table (0 when no model of it has a price), and tokens in and out. */
  cost: number;
  tokens: number;
}

export function operationListFields(row: OperationRow): OperationListFields {
  return {
    title: operationTitle(row),
    statusReason: statusReason(row),
    riskLevel: stringField(row.risk, 'level'),
    size: sizeOf(row.diffStats),
    endedAt: isTerminalStatus(row.status) ? row.updatedAt.toISOString() : null,
    ...usageTotals(row.usage),
  };
}

export function operationTitle(row: Pick<OperationRow, 'plan' | 'source' | 'errorContext' | 'description'>): string {
  const summary = stringField(row.plan, 'summary');
  if (summary) return oneLine(summary, titleLength);
  const detected = row.source === 'detector' ? stringField(row.errorContext, 'message') : null;
  if (detected) return oneLine(detected, titleLength);
  return oneLine(row.description, titleLength) || '(no description)';
}

function statusReason(row: OperationRow): string | null {
  if (row.status === 'awaiting_plan_approval') return 'waits for a person to approve the plan';
  if (row.status === 'awaiting_approval') {
    const level = stringField(row.risk, 'requiredApproval');
    return level ? `waits for ${level} approval of the change` : 'waits for approval of the change';
  }
  if (row.failureReason && row.status !== 'done') return oneLine(row.failureReason, reasonLength);
  return null;
}

/** The first non-empty line, whitespace collapsed, cut at a word with an ellipsis when too long. */
function oneLine(text: string, limit: number): string {
  const line = (text.split('\n').find((candidate) => candidate.trim() !== '') ?? '').replace(/\s+/g, ' ').trim();
  if (line.length <= limit) return line;
  const cut = line.slice(0, limit - 1);
  const lastSpace = cut.lastIndexOf(' ');
  return `${lastSpace > limit / 2 ? cut.slice(0, lastSpace) : cut}…`;
}

function stringField(value: unknown, key: string): string | null {
  if (!value || typeof value !== 'object') return null;
  const field = (value as Record<string, unknown>)[key];
  return typeof field === 'string' && field.trim() !== '' ? field : null;
}

function sizeOf(stats: unknown): OperationListFields['size'] {
  if (!stats || typeof stats !== 'object') return null;
  const { files, insertions, deletions } = stats as Record<string, unknown>;
  if (typeof files !== 'number' || typeof insertions !== 'number' || typeof deletions !== 'number') return null;
  return { files, insertions, deletions };
}

/** The usage column holds one entry per role: `{inputTokens, outputTokens, calls, model, cost}`. */
function usageTotals(usage: Record<string, unknown>): { cost: number; tokens: number } {
  let cost = 0;
  let tokens = 0;
  for (const entry of Object.values(usage)) {
    if (!entry || typeof entry !== 'object') continue;
    const { inputTokens, outputTokens, cost: roleCost } = entry as Record<string, unknown>;
    if (typeof inputTokens === 'number') tokens += inputTokens;
    if (typeof outputTokens === 'number') tokens += outputTokens;
    if (typeof roleCost === 'number') cost += roleCost;
  }
  return { cost, tokens };
}
