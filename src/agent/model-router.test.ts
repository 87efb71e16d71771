import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateText } from 'ai';
import { modelProviderIds } from '../config/model-providers.ts';
import { modelForRole, type ModelSettings } from './model-router.ts';
import { parseModelSpec } from './model-spec.ts';
import { ModelNotConfiguredError } from './model-not-configured-error.ts';

// A loopback endpoint that records the credentials each request carries and answers 500, so
// the call fails at once and the test reads what the provider sent.
let server: http.Server;
let baseUrl: string;
const seen: { path: string; apiKey?: string; authorization?: string }[] = [];

beforeAll(async () => {
  server = http.createServer((request, response) => {
    seen.push({ path: request.url ?? '', apiKey: request.headers['x-api-key'] as string | undefined, authorization: request.headers.authorization });
    request.resume();
    response.writeHead(500, { 'content-type': 'application/json' }).end('{"error":{"message":"recorded"}}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function settings(overrides: Partial<ModelSettings>): ModelSettings {
  return { modelTimeoutSeconds: 5, ...overrides } as ModelSettings;
}

async function credentialsSent(modelSettings: ModelSettings) {
  seen.length = 0;
  const { model } = modelForRole('coder', modelSettings);
  await generateText({ model, prompt: 'hello', maxRetries: 0 }).catch(() => undefined);
  return seen[0];
}

describe('modelForRole', () => {
  it('builds a model for every provider in the table', () => {
    for (const id of modelProviderIds) {
      const { spec } = modelForRole('planner', settings({ model: `${id}:some-model`, modelBaseUrl: baseUrl }));
      expect(spec).toEqual({ provider: id, model: 'some-model' });
    }
  });

  it("sends the provider's own key when MENDER_MODEL_API_KEY is unset, and MENDER_MODEL_API_KEY when it is set", async () => {
    expect(
      (await credentialsSent(settings({ model: 'anthropic:claude-x', modelBaseUrl: baseUrl, anthropicApiKey: 'anthropic-key', openaiApiKey: 'openai-key' })))
        ?.apiKey,
    ).toBe('anthropic-key');
    expect(
      (await credentialsSent(settings({ model: 'openai:gpt-x', modelBaseUrl: baseUrl, anthropicApiKey: 'anthropic-key', openaiApiKey: 'openai-key' })))
        ?.authorization,
    ).toBe('Bearer openai-key');
    expect(
      (await credentialsSent(settings({ model: 'anthropic:claude-x', modelBaseUrl: baseUrl, modelApiKey: 'shared-key', anthropicApiKey: 'anthropic-key' })))
        ?.apiKey,
    ).toBe('shared-key');
    // openai-compatible has no key of its own: only MENDER_MODEL_API_KEY is sent.
    expect(
      (await credentialsSent(settings({ model: 'openai-compatible:qwen', modelBaseUrl: baseUrl, openaiApiKey: 'openai-key' })))?.authorization,
    ).toBeUndefined();
  });

  it('refuses an openai-compatible model without a base URL, saying what to set', () => {
    expect(() => modelForRole('coder', settings({ model: 'openai-compatible:qwen3-coder' }))).toThrow(ModelNotConfiguredError);
    expect(() => modelForRole('coder', settings({ model: 'openai-compatible:qwen3-coder' }))).toThrow('MENDER_MODEL_BASE_URL is not set');
  });
});

describe('parseModelSpec', () => {
  it('names every provider when the text is not provider:model', () => {
    expect(() => parseModelSpec('gemini:pro')).toThrow(
      '"gemini:pro" is not provider:model; use anthropic:<model>, openai:<model> or openai-compatible:<model>',
    );
  });
});
