/**
 * Types shared by the scripted model server, its two wire formats and the role script.
 * Kept apart from the server so the wire renderers can use them without importing the server.
 */

export interface ScriptedToolCall {
  name: string;
  arguments: Record<string, unknown>;
}

export interface ScriptedUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface ScriptedTextReply {
  text: string;
  usage?: ScriptedUsage;
}

export interface ScriptedToolCallsReply {
  toolCalls: ScriptedToolCall[];
  /** Text the model says before its tool calls. */
  text?: string;
  usage?: ScriptedUsage;
}

export interface ScriptedHttpErrorReply {
  httpError: {
    status: number;
    /** Sent as JSON (or as is, when a string). Defaults to the wire format's own error body. */
    body?: unknown;
    /** e.g. `{ 'retry-after-ms': '10' }`, which the AI SDK honours instead of its 2 s backoff. */
    headers?: Record<string, string>;
  };
}

/** Never answers; the connection is destroyed when the server closes. */
export interface ScriptedHangReply {
  hang: true;
}

/** Answers with `reply` after `delayMs`: a model call that takes time (a step still running when a test acts). */
export interface ScriptedDelayedReply {
  delayMs: number;
  reply: ScriptedReply;
}

export type ScriptedReply = ScriptedTextReply | ScriptedToolCallsReply | ScriptedHttpErrorReply | ScriptedHangReply | ScriptedDelayedReply;

export type ModelWire = 'openai' | 'anthropic';

export type AgentRole = 'planner' | 'coder' | 'reviewer';

export interface RecordedRequest {
  /** Milliseconds since the epoch when the request arrived. */
  at: number;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body, exactly as the client sent it. */
  body: any;
  wire: ModelWire;
  /** Names of the tools offered in this request, in order. */
  toolNames: string[];
  role: AgentRole | undefined;
}

export type ScriptHandler = (request: RecordedRequest, context: { previous: RecordedRequest[] }) => ScriptedReply;

/** A reply with its tool-call ids assigned and its usage settled, ready to be written in a wire format. */
export interface ResolvedReply {
  /** Identifies the response (`chatcmpl-…` / `msg_…`). */
  responseId: string;
  model: string;
  text: string | undefined;
  toolCalls: Array<ScriptedToolCall & { id: string }>;
  usage: ScriptedUsage;
}
