import type { LanguageModel } from 'ai';
import { modelProviderOf } from '../config/model-providers.ts';
import type { ModelSpec } from './model-spec.ts';
import { ModelNotConfiguredError } from './model-not-configured-error.ts';

export interface ModelConnection {
  baseUrl?: string;
  /** MENDER_MODEL_API_KEY, else the provider's own key setting (ANTHROPIC_API_KEY, OPENAI_API_KEY). */
  apiKey?: string;
  /** One HTTP call's limit; past it the call counts as a network failure and is retried. */
  timeoutMs: number;
}

/** Builds an AI SDK language model for a spec; every provider goes through the same fetch. */
export function createLanguageModel(spec: ModelSpec, connection: ModelConnection): LanguageModel {
  const provider = modelProviderOf(spec.provider);
  if ('baseUrlMissing' in provider && !connection.baseUrl) throw new ModelNotConfiguredError(provider.baseUrlMissing);
  return provider.build({ model: spec.model, baseUrl: connection.baseUrl, apiKey: connection.apiKey, fetch: fetchWithTimeout(connection.timeoutMs) });
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
