import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText, stepCountIs, tool } from 'ai';
import type { ToolSet } from 'ai';
import { afterEach, expect, test } from 'vitest';
import { z } from 'zod';
import { lastToolResult, roleScript, startScriptedModelServer } from './scripted-model-server.ts';
import type { ScriptedModelServer } from './scripted-model-server.ts';

let server: ScriptedModelServer | undefined;
afterEach(async () => {
  await server?.close();
});

function recordingTool(calls: unknown[], name: string) {
  return tool({
    description: name,
    inputSchema: z.record(z.string(), z.unknown()),
    execute: async (input) => {
      calls.push(input);
      return `${name} ok`;
    },
  });
}

async function converse(url: string, tools: ToolSet): Promise<string> {
  const model = createOpenAICompatible({ name: 'local', baseURL: url, apiKey: 'test-key' })('qwen3-coder');
  const result = await generateText({
    model,
    prompt: 'Fix issue 7.',
    tools,
    stopWhen: stepCountIs(4),
  });
  return result.text;
}

test('roleScript answers each role from its own script, restarting per conversation', async () => {
  server = await startScriptedModelServer(
    roleScript({
      planner: [{ toolCalls: [{ name: 'submit_plan', arguments: { steps: ['edit a.ts'] } }] }],
      coder: [
        {
          toolCalls: [{ name: 'filesystem__writeFile', arguments: { path: 'a.ts', content: 'fixed' } }],
        },
        { text: 'coded' },
      ],
      reviewer: (request) => ({
        text: `reviewed after: ${lastToolResult(request.body) ?? 'nothing'}`,
      }),
    }),
  );
  const plans: unknown[] = [];
  const writes: unknown[] = [];
  const reviews: unknown[] = [];
  const plannerTools = { submit_plan: recordingTool(plans, 'submit_plan') };
  const coderTools = {
    filesystem__readFile: recordingTool([], 'filesystem__readFile'),
    filesystem__writeFile: recordingTool(writes, 'filesystem__writeFile'),
  };
  const reviewerTools = { submit_review: recordingTool(reviews, 'submit_review') };

  // Past the end of its replies the planner says "done".
  expect(await converse(server.url, plannerTools)).toBe('done');
  // Two coder conversations: each starts the coder's replies from the top.
  expect(await converse(server.url, coderTools)).toBe('coded');
  expect(await converse(server.url, coderTools)).toBe('coded');
  expect(await converse(server.url, reviewerTools)).toBe('reviewed after: nothing');

  expect(plans).toEqual([{ steps: ['edit a.ts'] }]);
  expect(writes).toEqual([
    { path: 'a.ts', content: 'fixed' },
    { path: 'a.ts', content: 'fixed' },
  ]);
  expect(server.requests.map((request) => request.role)).toEqual(['planner', 'planner', 'coder', 'coder', 'coder', 'coder', 'reviewer']);
});

test('roleScript answers "done" to a request whose role it has no script for', async () => {
  server = await startScriptedModelServer(roleScript({ coder: [{ text: 'coded' }] }));

  expect(await converse(server.url, {})).toBe('done');
  expect(server.requests[0]?.role).toBeUndefined();
});
