import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModel } from 'ai';
import type { ModelSpec } from './model-spec.ts';
import { ModelNotConfiguredError } from './model-not-configured-error.ts';

export interface ModelConnection {
  baseUrl?: string;
  apiKey?: string;
  /** One HTTP call's limit; past it the call counts as a network failure and is retried. */
  timeoutMs: number;
}

/** Builds an AI SDK language model for a spec; every provider goes through the same fetch. */
export function createLanguageModel(spec: ModelSpec, connection: ModelConnection): LanguageModel {
  const fetch = fetchWithTimeout(connection.timeoutMs);
  switch (spec.provider) {
    case 'anthropic':
      return createAnthropic({ apiKey: connection.apiKey ?? process.env.ANTHROPIC_API_KEY, baseURL: connection.baseUrl, fetch })(spec.model);
    case 'openai':
      // Chat completions rather than the Responses API: it is what OpenAI-compatible servers and proxies speak too.
      return createOpenAI({ apiKey: connection.apiKey ?? process.env.OPENAI_API_KEY, baseURL: connection.baseUrl, fetch }).chat(spec.model);
    case 'openai-compatible':
      if (!connection.baseUrl) {
        throw new ModelNotConfiguredError(`MENDER_MODEL_BASE_URL is not set: an openai-compatible model needs its endpoint, e.g. http://127.0.0.1:11434/v1 for Ollama`);
      }
      return createOpenAICompatible({ name: 'openai-compatible', baseURL: connection.baseUrl, apiKey: connection.apiKey, includeUsage: true, fetch })(spec.model);
  }
}

/**
 * A fetch whose calls give up after `timeoutMs`. The timeout surfaces as the network failure
 * ("fetch failed") the AI SDK retries with backoff, instead of an abort that it would not retry.
 */
function fetchWithTimeout(timeoutMs: number): typeof globalThis.fetch {
  return async (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    try {
      return await globalThis.fetch(input, { ...init, signal });
    } catch (error) {
      if (timeout.aborted && !init?.signal?.aborted) {
        throw new TypeError('fetch failed', { cause: new Error(`the model endpoint did not answer within ${timeoutMs} ms`) });
      }
      throw error;
    }
  };
}
