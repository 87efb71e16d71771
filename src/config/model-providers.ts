import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModel } from 'ai';

// The one list of model providers. The settings schema derives its `provider:model` validation and
// messages from it, `parseModelSpec` its accepted names, and `createLanguageModel` looks the
// builder up here. It sits in config/ (the bottom layer) so the settings schema can read it
// without importing the agent; see docs/contributing/add-a-model-provider.md.

/** What a provider's builder gets: the model name and the connection, already resolved from the settings. */
export interface ModelBuildOptions {
  model: string;
  baseUrl: string | undefined;
  apiKey: string | undefined;
  /** The fetch every provider goes through (it carries the call timeout). */
  fetch: typeof globalThis.fetch;
}

export interface ModelProvider {
  /** The name before the colon in `provider:model`. */
  id: string;
  /** A model of this provider, used in messages that show the expected form. */
  exampleModel: string;
  /**
   * The provider's own API key setting, used when MENDER_MODEL_API_KEY is unset. Its key and
   * variable are defined in settings-schema.ts (a test checks they match).
   */
  apiKey?: { setting: string; env: string };
  /** Set when the provider cannot work without MENDER_MODEL_BASE_URL: the message that says so. */
  baseUrlMissing?: string;
  build(options: ModelBuildOptions): LanguageModel;
}

export const modelProviders = [
  {
    id: 'anthropic',
    exampleModel: 'claude-sonnet-4-5',
    apiKey: { setting: 'anthropicApiKey', env: 'ANTHROPIC_API_KEY' },
    build: ({ model, baseUrl, apiKey, fetch }) => createAnthropic({ apiKey, baseURL: baseUrl, fetch })(model),
  },
  {
    id: 'openai',
    exampleModel: 'gpt-5',
    apiKey: { setting: 'openaiApiKey', env: 'OPENAI_API_KEY' },
    // Chat completions rather than the Responses API: it is what OpenAI-compatible servers and proxies speak too.
    build: ({ model, baseUrl, apiKey, fetch }) => createOpenAI({ apiKey, baseURL: baseUrl, fetch }).chat(model),
  },
  {
    id: 'openai-compatible',
    exampleModel: 'qwen3-coder',
    baseUrlMissing: 'MENDER_MODEL_BASE_URL is not set: an openai-compatible model needs its endpoint, e.g. http://127.0.0.1:11434/v1 for Ollama',
    // baseURL is set: createLanguageModel refuses this provider without it (baseUrlMissing).
    build: ({ model, baseUrl, apiKey, fetch }) =>
      createOpenAICompatible({ name: 'openai-compatible', baseURL: baseUrl!, apiKey, includeUsage: true, fetch })(model),
  },
] as const satisfies readonly ModelProvider[];

export type ModelProviderEntry = (typeof modelProviders)[number];
export type ModelProviderId = ModelProviderEntry['id'];
/** The settings that hold a provider's own API key (anthropicApiKey, openaiApiKey). */
export type ProviderApiKeySetting = Extract<ModelProviderEntry, { apiKey: unknown }>['apiKey']['setting'];

export const modelProviderIds: readonly ModelProviderId[] = modelProviders.map((provider) => provider.id);

/** The table's entry for a provider name that parseModelSpec has accepted. */
export function modelProviderOf(id: ModelProviderId): ModelProviderEntry {
  return modelProviders.find((provider) => provider.id === id)!;
}

/** "a, b or c": how the messages list the providers. */
export function listInWords(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}
