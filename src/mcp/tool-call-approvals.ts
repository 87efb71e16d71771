import crypto from 'node:crypto';
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { Database } from '../store/database.ts';
import { newId } from '../store/ids.ts';
import { mcpToolCalls } from '../store/schema.ts';

/** Writes a timeline event (and its audit entry) for an operation: OperationStore.event. */
export interface TimelineWriter {
  event(operationId: string, actor: string, event: { type: string; data?: Record<string, unknown> }): Promise<void>;
}

export type ToolCallRow = typeof mcpToolCalls.$inferSelect;
export type ToolCallOutcome = 'approved' | 'denied' | 'timed_out' | 'aborted';

/** A decision that does not fit: the call does not exist, or it is no longer waiting. */
export class ToolCallDecisionError extends Error {
  override name = 'ToolCallDecisionError';
  constructor(
    readonly kind: 'not_found' | 'conflict',
    message: string,
  ) {
    super(message);
  }
}

export interface ApprovalWaitRequest {
  operationId: string;
  /** The name the model calls it by, `<server>__<tool>`. */
  tool: string;
  server: string;
  input: unknown;
  signal: AbortSignal;
}

/** JSON with object keys sorted at every level: the same arguments give the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function argumentsKey(tool: string, input: unknown): string {
  return crypto
    .createHash('sha256')
    .update(`${tool}\n${canonicalJson(input)}`)
    .digest('hex');
}

/**
 * Approval of external tool calls that may change things. A call waits as a durable row with an
 * event on the operation's timeline; a team lead approves or denies it; the waiting call then runs
 * or returns a denial. A decided identical call (same tool, same canonical arguments) in the same
 * operation is not asked again, so an operation resumed after a crash or a pause goes straight on.
 */
export class ToolCallApprovals {
  private readonly waiters = new Map<string, Set<(status: string) => void>>();

  constructor(
    private readonly db: Database,
    private readonly timeline: TimelineWriter,
    private readonly options: {
      timeoutMs: number;
      pollMs?: number;
      /** Takes secrets out of the stored arguments (the key is computed before). */
      redactValue?: <Value>(value: Value) => Value;
    },
  ) {}

  /** Resolves when the call is decided, times out, or the signal aborts (a pause, a cancel). */
  async awaitDecision(request: ApprovalWaitRequest): Promise<{ outcome: ToolCallOutcome; callId: string; reused: boolean }> {
    const key = argumentsKey(request.tool, request.input);
    const [existing] = await this.db
      .select()
      .from(mcpToolCalls)
      .where(
        and(
          eq(mcpToolCalls.operationId, request.operationId),
          eq(mcpToolCalls.argumentsKey, key),
          inArray(mcpToolCalls.status, ['waiting', 'approved', 'denied']),
        ),
      )
      .orderBy(desc(mcpToolCalls.requestedAt))
      .limit(1);
    if (existing && (existing.status === 'approved' || existing.status === 'denied')) {
      await this.timeline.event(request.operationId, 'mender', {
        type: 'tool_call.decision_reused',
        data: { callId: existing.id, tool: request.tool, decision: existing.status },
      });
      return { outcome: existing.status, callId: existing.id, reused: true };
    }
    let callId = existing?.id;
    if (!callId) {
      callId = newId();
      await this.db.insert(mcpToolCalls).values({
        id: callId,
        operationId: request.operationId,
        tool: request.tool,
        server: request.server,
        arguments: this.options.redactValue ? this.options.redactValue(request.input ?? {}) : (request.input ?? {}),
        argumentsKey: key,
        status: 'waiting',
      });
      await this.timeline.event(request.operationId, 'mender', {
        type: 'tool_call.approval_requested',
        data: { callId, tool: request.tool, server: request.server, input: request.input ?? {}, timeoutSeconds: Math.round(this.options.timeoutMs / 1000) },
      });
    }
    const outcome = await this.wait(callId, request.signal);
    if (outcome === 'timed_out') {
      const updated = await this.db
        .update(mcpToolCalls)
        .set({ status: 'timed_out', decidedAt: new Date() })
        .where(and(eq(mcpToolCalls.id, callId), eq(mcpToolCalls.status, 'waiting')))
        .returning();
      // A decision that arrived at the last moment wins over the timeout.
      if (updated.length === 0) return { outcome: (await this.statusOf(callId)) as ToolCallOutcome, callId, reused: false };
      await this.timeline.event(request.operationId, 'mender', { type: 'tool_call.approval_timed_out', data: { callId, tool: request.tool } });
    }
    return { outcome, callId, reused: false };
  }

  /** Records a team lead's decision on a waiting call and wakes the call. */
  async decide(operationId: string, callId: string, decision: 'approved' | 'denied', actor: string, comment?: string): Promise<ToolCallRow> {
    const [row] = await this.db
      .update(mcpToolCalls)
      .set({ status: decision, decidedBy: actor, decidedAt: new Date(), comment: comment ?? null })
      .where(and(eq(mcpToolCalls.id, callId), eq(mcpToolCalls.operationId, operationId), eq(mcpToolCalls.status, 'waiting')))
      .returning();
    if (!row) {
      const [current] = await this.db
        .select()
        .from(mcpToolCalls)
        .where(and(eq(mcpToolCalls.id, callId), eq(mcpToolCalls.operationId, operationId)));
      if (!current)
        throw new ToolCallDecisionError(
          'not_found',
          `operation ${operationId} has no tool call ${callId}: list them with GET /api/operations/${operationId}/tool-calls`,
        );
      throw new ToolCallDecisionError('conflict', `tool call ${callId} is already ${current.status}${current.decidedBy ? ` (by ${current.decidedBy})` : ''}`);
    }
    await this.timeline.event(operationId, actor, {
      type: decision === 'approved' ? 'tool_call.approved' : 'tool_call.denied',
      data: { callId, tool: row.tool, comment },
    });
    for (const wake of this.waiters.get(callId) ?? []) wake(decision);
    return row;
  }

  async list(operationId: string): Promise<ToolCallRow[]> {
    return this.db.select().from(mcpToolCalls).where(eq(mcpToolCalls.operationId, operationId)).orderBy(asc(mcpToolCalls.requestedAt));
  }

  private async statusOf(callId: string): Promise<string | undefined> {
    const [row] = await this.db.select({ status: mcpToolCalls.status }).from(mcpToolCalls).where(eq(mcpToolCalls.id, callId));
    return row?.status;
  }

  /** Woken in-process by decide(); the poll covers a decision taken by another Mender process. */
  private wait(callId: string, signal: AbortSignal): Promise<ToolCallOutcome> {
    return new Promise((resolve) => {
      let settled = false;
      const finish = (outcome: ToolCallOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearInterval(poll);
        signal.removeEventListener('abort', onAbort);
        this.waiters.get(callId)?.delete(onDecision);
        resolve(outcome);
      };
      const onDecision = (status: string) => {
        if (status === 'approved' || status === 'denied') finish(status);
      };
      const onAbort = () => finish('aborted');
      const timer = setTimeout(() => finish('timed_out'), this.options.timeoutMs);
      const poll = setInterval(() => {
        void this.statusOf(callId).then(
          (status) => status && onDecision(status),
          () => undefined,
        );
      }, this.options.pollMs ?? 1_000);
      if (!this.waiters.has(callId)) this.waiters.set(callId, new Set());
      this.waiters.get(callId)!.add(onDecision);
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      void this.statusOf(callId).then(
        (status) => status && onDecision(status),
        () => undefined,
      );
    });
  }
}
