import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { APICallError, generateText, RetryError, stepCountIs, streamText, tool } from 'ai';
import type { LanguageModel } from 'ai';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { z } from 'zod';
import { countAssistantTurns, lastToolResult, startScriptedModelServer } from './scripted-model-server.ts';
import type { ModelWire, ScriptedModelServer, ScriptedReply, ScriptHandler } from './scripted-model-server.ts';

const openServers: ScriptedModelServer[] = [];

async function startServer(script: ScriptHandler | ScriptedReply[]): Promise<ScriptedModelServer> {
  const server = await startScriptedModelServer(script);
  openServers.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(openServers.splice(0).map((server) => server.close()));
});

interface ProviderCase {
  name: string;
  wire: ModelWire;
  model(baseURL: string): LanguageModel;
}

const openAICompatible: ProviderCase = {
  name: 'openai-compatible',
  wire: 'openai',
  model: (baseURL) => createOpenAICompatible({ name: 'local', baseURL, apiKey: 'test-key', includeUsage: true })('qwen3-coder'),
};
const openAIChat: ProviderCase = {
  name: 'openai (chat)',
  wire: 'openai',
  model: (baseURL) => createOpenAI({ baseURL, apiKey: 'test-key' }).chat('gpt-4o'),
};
const anthropic: ProviderCase = {
  name: 'anthropic',
  wire: 'anthropic',
  model: (baseURL) => createAnthropic({ baseURL, apiKey: 'test-key' })('claude-sonnet-4-5'),
};

function readFileTool(executedWith: unknown[]) {
  return tool({
    description: 'Read a file of the repository.',
    inputSchema: z.object({ path: z.string(), startLine: z.number() }),
    execute: async (input) => {
      executedWith.push(input);
      return { content: `contents of ${input.path} from line ${input.startLine}` };
    },
  });
}

/** Step 1 calls the tool (after a short preamble), step 2 answers in text. */
const toolThenTextScript: ScriptedReply[] = [
  {
    text: 'Let me read it.',
    toolCalls: [{ name: 'readFile', arguments: { path: 'src/app.ts', startLine: 3 } }],
    usage: { inputTokens: 11, outputTokens: 7 },
  },
  { text: 'The bug is on line 3 of src/app.ts.', usage: { inputTokens: 23, outputTokens: 5 } },
];

function expectToolLoopRecorded(server: ScriptedModelServer, wire: ModelWire): void {
  expect(server.requests).toHaveLength(2);
  const [first, second] = server.requests;
  expect(first?.wire).toBe(wire);
  expect(first?.toolNames).toEqual(['readFile']);
  expect(second?.toolNames).toEqual(['readFile']);
  expect(countAssistantTurns(first?.body)).toBe(0);
  expect(countAssistantTurns(second?.body)).toBe(1);
  expect(lastToolResult(first?.body)).toBeUndefined();
  expect(JSON.parse(lastToolResult(second?.body) ?? 'null')).toEqual({
    content: 'contents of src/app.ts from line 3',
  });
  const authorization = wire === 'openai' ? second?.headers.authorization : second?.headers['x-api-key'];
  expect(authorization).toContain('test-key');
}

describe('scripted model server through the real AI SDK providers', () => {
  test.each([openAICompatible, openAIChat, anthropic])('$name: generateText runs a tool call, then answers in text', async ({ model, wire }) => {
    const server = await startServer(toolThenTextScript);
    const executedWith: unknown[] = [];

    const result = await generateText({
      model: model(server.url),
      system: 'You are a careful engineer.',
      prompt: 'Where is the bug?',
      tools: { readFile: readFileTool(executedWith) },
      stopWhen: stepCountIs(3),
    });

    expect(executedWith).toEqual([{ path: 'src/app.ts', startLine: 3 }]);
    expect(result.steps).toHaveLength(2);
    expect(result.steps[0]?.finishReason).toBe('tool-calls');
    expect(result.steps[0]?.text).toBe('Let me read it.');
    expect(result.finishReason).toBe('stop');
    expect(result.text).toBe('The bug is on line 3 of src/app.ts.');
    expect(result.totalUsage).toMatchObject({
      inputTokens: 34,
      outputTokens: 12,
      totalTokens: 46,
    });
    expectToolLoopRecorded(server, wire);
  });

  test.each([openAICompatible, anthropic])('$name: streamText runs a tool call, then streams text', async ({ model, wire }) => {
    const server = await startServer(toolThenTextScript);
    const executedWith: unknown[] = [];

    const result = streamText({
      model: model(server.url),
      prompt: 'Where is the bug?',
      tools: { readFile: readFileTool(executedWith) },
      stopWhen: stepCountIs(3),
    });
    const textDeltas: string[] = [];
    for await (const part of result.fullStream) {
      if (part.type === 'text-delta') textDeltas.push(part.text);
      if (part.type === 'error') throw part.error;
    }

    expect(executedWith).toEqual([{ path: 'src/app.ts', startLine: 3 }]);
    expect(await result.text).toBe('The bug is on line 3 of src/app.ts.');
    // The text arrives in pieces, so the client really joins deltas.
    expect(textDeltas.length).toBeGreaterThan(4);
    expect(await result.finishReason).toBe('stop');
    expect(await result.totalUsage).toMatchObject({
      inputTokens: 34,
      outputTokens: 12,
      totalTokens: 46,
    });
    expect(server.requests.every((request) => request.body.stream === true)).toBe(true);
    expectToolLoopRecorded(server, wire);
  });

  test.each([openAICompatible, openAIChat, anthropic])('$name: several tool calls in one reply get distinct ids and all run', async ({ model }) => {
    const server = await startServer([
      {
        toolCalls: [
          { name: 'readFile', arguments: { path: 'a.ts', startLine: 1 } },
          { name: 'readFile', arguments: { path: 'b.ts', startLine: 2 } },
        ],
      },
      { text: 'Read both.' },
    ]);
    const executedWith: unknown[] = [];

    const result = await generateText({
      model: model(server.url),
      prompt: 'Read a.ts and b.ts.',
      tools: { readFile: readFileTool(executedWith) },
      stopWhen: stepCountIs(3),
    });

    expect(executedWith).toEqual([
      { path: 'a.ts', startLine: 1 },
      { path: 'b.ts', startLine: 2 },
    ]);
    const toolCallIds = result.steps[0]?.toolCalls.map((toolCall) => toolCall.toolCallId) ?? [];
    expect(new Set(toolCallIds).size).toBe(2);
    expect(result.text).toBe('Read both.');
    // Without scripted usage the server estimates tokens rather than reporting none.
    expect(result.totalUsage.inputTokens).toBeGreaterThan(0);
    expect(result.totalUsage.outputTokens).toBeGreaterThan(0);
  });

  test.each([openAICompatible, anthropic])('$name: an HTTP 500 is retried by the SDK, which then throws', async ({ model }) => {
    // retry-after-ms keeps the SDK from waiting its default 2 s and 4 s between attempts.
    const failure: ScriptedReply = {
      httpError: { status: 500, headers: { 'retry-after-ms': '5' } },
    };
    const server = await startServer([failure, failure, failure, { text: 'never reached' }]);

    const attempt = generateText({ model: model(server.url), prompt: 'Hello', maxRetries: 2 });

    const error: unknown = await attempt.catch((caught: unknown) => caught);
    expect(RetryError.isInstance(error)).toBe(true);
    const lastError = (error as RetryError).lastError;
    expect(APICallError.isInstance(lastError) && lastError.statusCode).toBe(500);
    expect(server.requests).toHaveLength(3);
  });

  test.each([openAICompatible, anthropic])('$name: an HTTP 401 is not retried and its message reaches the caller', async ({ model }) => {
    const server = await startServer([{ httpError: { status: 401 } }]);

    await expect(generateText({ model: model(server.url), prompt: 'Hello', maxRetries: 2 })).rejects.toThrow('Scripted HTTP 401 error.');
    expect(server.requests).toHaveLength(1);
  });

  test('a function script sees each request and the ones before it', async () => {
    const seen: number[] = [];
    const server = await startServer((request, { previous }) => {
      seen.push(previous.length);
      return { text: `reply to ${request.body.model} after ${previous.length}` };
    });

    const first = await generateText({ model: anthropic.model(server.url), prompt: 'One' });
    const second = await generateText({ model: anthropic.model(server.url), prompt: 'Two' });

    expect(first.text).toBe('reply to claude-sonnet-4-5 after 0');
    expect(second.text).toBe('reply to claude-sonnet-4-5 after 1');
    expect(seen).toEqual([0, 1]);
  });

  test('a script that runs out answers 500 with a message saying so', async () => {
    const server = await startServer([{ text: 'only reply' }]);
    await generateText({ model: openAICompatible.model(server.url), prompt: 'One' });

    await expect(generateText({ model: openAICompatible.model(server.url), prompt: 'Two', maxRetries: 0 })).rejects.toThrow(
      'the script ran out after 1 replies',
    );
  });

  test('a hanging reply lets the client time out, and close() ends the connection', async () => {
    const server = await startServer([{ hang: true }, { hang: true }]);

    await expect(
      generateText({
        model: anthropic.model(server.url),
        prompt: 'Hello',
        maxRetries: 0,
        abortSignal: AbortSignal.timeout(200),
      }),
    ).rejects.toThrow();

    const pending = fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [] }),
    });
    await vi.waitFor(() => expect(server.requests).toHaveLength(2));
    await server.close();
    await expect(pending).rejects.toThrow();
  });
});

describe('scripted model server without an SDK', () => {
  test('rejects a body that is not JSON with 400', async () => {
    const server = await startServer([{ text: 'unused' }]);
    const response = await fetch(`${server.url}/messages`, { method: 'POST', body: '{not json' });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error' },
    });
    expect(server.requests).toHaveLength(0);
  });

  test('answers unknown paths with a 404 JSON error', async () => {
    const server = await startServer([]);
    const response = await fetch(`${server.url}/responses`, { method: 'POST', body: '{}' });

    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message).toContain('POST /v1/responses');
  });

  test('lists one model', async () => {
    const server = await startServer([]);
    const response = await fetch(`${server.url}/models`);

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      object: 'list',
      data: [{ id: 'scripted-model' }],
    });
  });

  test('streams OpenAI chunks ending with a usage chunk and [DONE]', async () => {
    const server = await startServer([{ text: 'Hi there', usage: { inputTokens: 3, outputTokens: 2 } }]);
    const response = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({
        model: 'm',
        messages: [],
        stream: true,
        stream_options: { include_usage: true },
      }),
    });

    const lines = (await response.text()).split('\n\n').filter((line) => line.length > 0);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(lines.at(-1)).toBe('data: [DONE]');
    expect(JSON.parse(lines.at(-2)?.slice('data: '.length) ?? '')).toMatchObject({
      object: 'chat.completion.chunk',
      choices: [],
      usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
    });
  });
});
