/**
 * A scripted model server for tests: the fake at the boundary with model services we cannot reach.
 * It listens on loopback, speaks the real OpenAI chat-completions and Anthropic messages wire
 * formats (JSON and streaming), answers from a script and records every model request.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { anthropicErrorBody, anthropicResponseBody, anthropicStreamFrames } from './anthropic-messages-wire.ts';
import { detectRole, toolNamesOf } from './conversation-inspection.ts';
import { openAIErrorBody, openAIResponseBody, openAIStreamFrames } from './openai-chat-wire.ts';
import type {
  ModelWire,
  RecordedRequest,
  ResolvedReply,
  ScriptedReply,
  ScriptedTextReply,
  ScriptedToolCallsReply,
  ScriptHandler,
} from './scripted-model-types.ts';

export type {
  AgentRole,
  ModelWire,
  RecordedRequest,
  ScriptedHangReply,
  ScriptedHttpErrorReply,
  ScriptedReply,
  ScriptedTextReply,
  ScriptedToolCall,
  ScriptedToolCallsReply,
  ScriptedUsage,
  ScriptHandler,
} from './scripted-model-types.ts';
export { countAssistantTurns, detectRole, lastToolResult, toolNamesOf } from './conversation-inspection.ts';
export { roleScript } from './role-script.ts';
export type { RoleScripts } from './role-script.ts';

export interface ScriptedModelServer {
  /** Base URL for the providers' `baseURL`, e.g. `http://127.0.0.1:PORT/v1`. */
  url: string;
  /** Every model request so far, oldest first. */
  requests: RecordedRequest[];
  /** Stops the server, destroying open connections (including hanging ones). Safe to call twice. */
  close(): Promise<void>;
}

export const scriptedModelId = 'scripted-model';

const wireByPath: Record<string, ModelWire> = {
  '/v1/chat/completions': 'openai',
  '/v1/messages': 'anthropic',
};

function errorBodyFor(wire: ModelWire | undefined, status: number, message: string): unknown {
  if (wire === 'openai') return openAIErrorBody(status, message);
  if (wire === 'anthropic') return anthropicErrorBody(status, message);
  // Unknown route: a body both providers' error parsers accept.
  return { type: 'error', error: { type: 'not_found_error', message } };
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(text);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

type ParsedBody = { ok: true; value: Record<string, unknown> } | { ok: false; message: string };

function parseBody(text: string): ParsedBody {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return { ok: true, value: value as Record<string, unknown> };
    }
    return { ok: false, message: 'Request body must be a JSON object.' };
  } catch (error) {
    return { ok: false, message: `Request body is not valid JSON: ${(error as Error).message}` };
  }
}

/** A rough, deterministic token estimate (4 characters per token) for replies without usage. */
function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function createScriptRunner(script: ScriptHandler | ScriptedReply[]): ScriptHandler {
  if (typeof script === 'function') return script;
  let next = 0;
  return (request, context) => {
    const reply = script[next];
    next += 1;
    if (reply !== undefined) return reply;
    const message =
      `Scripted model server: the script ran out after ${script.length} replies ` +
      `(this is request ${context.previous.length + 1}); add replies to the script.`;
    // retry-after-ms: 0 so the SDK's retries of this failure do not slow the test down.
    const body = errorBodyFor(request.wire, 500, message);
    return { httpError: { status: 500, body, headers: { 'retry-after-ms': '0' } } };
  };
}

/** Starts a server on a random loopback port. An array script is answered in order; a function per request. */
export async function startScriptedModelServer(script: ScriptHandler | ScriptedReply[]): Promise<ScriptedModelServer> {
  const runScript = createScriptRunner(script);
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  let nextId = 1;
  const newId = (prefix: string) => `${prefix}${String(nextId++).padStart(6, '0')}`;

  function resolveReply(reply: ScriptedTextReply | ScriptedToolCallsReply, recorded: RecordedRequest): ResolvedReply {
    const toolCalls = 'toolCalls' in reply ? reply.toolCalls : [];
    const text = reply.text;
    const outputText = (text ?? '') + JSON.stringify(toolCalls);
    const model = typeof recorded.body.model === 'string' ? recorded.body.model : scriptedModelId;
    return {
      responseId: newId(recorded.wire === 'openai' ? 'chatcmpl-scripted' : 'msg_scripted'),
      model,
      text,
      toolCalls: toolCalls.map((toolCall) => ({
        ...toolCall,
        id: newId(recorded.wire === 'openai' ? 'call_scripted' : 'toolu_scripted'),
      })),
      usage: reply.usage ?? {
        inputTokens: estimateTokens(JSON.stringify(recorded.body)),
        outputTokens: estimateTokens(outputText),
      },
    };
  }

  function answer(response: ServerResponse, recorded: RecordedRequest, reply: ScriptedReply): void {
    if ('hang' in reply) return; // The socket is destroyed on close().
    if ('delayMs' in reply) {
      const timer = setTimeout(() => {
        if (!response.destroyed) answer(response, recorded, reply.reply);
      }, reply.delayMs);
      response.once('close', () => clearTimeout(timer));
      return;
    }
    if ('httpError' in reply) {
      const { status, body, headers } = reply.httpError;
      const errorBody = body ?? errorBodyFor(recorded.wire, status, `Scripted HTTP ${status} error.`);
      sendJson(response, status, errorBody, headers);
      return;
    }
    const resolved = resolveReply(reply, recorded);
    const created = Math.floor(recorded.at / 1000);
    if (recorded.body.stream !== true) {
      const body = recorded.wire === 'openai' ? openAIResponseBody(resolved, created) : anthropicResponseBody(resolved);
      sendJson(response, 200, body);
      return;
    }
    const includeUsage = recorded.body.stream_options?.include_usage === true;
    const frames = recorded.wire === 'openai' ? openAIStreamFrames(resolved, created, includeUsage) : anthropicStreamFrames(resolved);
    response.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    for (const frame of frames) response.write(frame);
    response.end();
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (request.method === 'GET' && path === '/v1/models') {
      sendJson(response, 200, {
        object: 'list',
        data: [{ id: scriptedModelId, object: 'model', created: 0, owned_by: 'mender-tests' }],
      });
      return;
    }
    const wire = wireByPath[path];
    if (request.method !== 'POST' || wire === undefined) {
      const message =
        `No route for ${request.method ?? '?'} ${path}: the scripted model server answers ` +
        'POST /v1/chat/completions, POST /v1/messages and GET /v1/models.';
      sendJson(response, 404, errorBodyFor(undefined, 404, message));
      return;
    }
    const parsed = parseBody(await readBody(request));
    if (!parsed.ok) {
      sendJson(response, 400, errorBodyFor(wire, 400, parsed.message));
      return;
    }
    const recorded: RecordedRequest = {
      at: Date.now(),
      path,
      headers: { ...request.headers },
      body: parsed.value,
      wire,
      toolNames: toolNamesOf(parsed.value),
      role: detectRole(parsed.value),
    };
    const previous = requests.slice();
    requests.push(recorded);
    let reply: ScriptedReply;
    try {
      reply = runScript(recorded, { previous });
    } catch (error) {
      const message = `Scripted model server: the script threw: ${(error as Error).message}`;
      sendJson(response, 500, errorBodyFor(wire, 500, message), { 'retry-after-ms': '0' });
      return;
    }
    answer(response, recorded, reply);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) {
        sendJson(response, 500, errorBodyFor(undefined, 500, `Scripted model server failed: ${String(error)}`));
      } else {
        response.destroy();
      }
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  // Closing twice (a test and its afterEach) returns the same promise instead of failing.
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      for (const socket of sockets) socket.destroy();
    });
    return closing;
  };

  return { url: `http://127.0.0.1:${port}/v1`, requests, close };
}
