import { listInWords, modelProviderIds, type ModelProviderId } from '../config/model-providers.ts';

export type ModelProviderName = ModelProviderId;

export interface ModelSpec {
  provider: ModelProviderName;
  model: string;
}

/** Parses `provider:model`; the settings schema has already checked the shape. */
export function parseModelSpec(text: string): ModelSpec {
  const separator = text.indexOf(':');
  const provider = text.slice(0, separator) as ModelProviderName;
  const model = text.slice(separator + 1);
  if (separator <= 0 || !modelProviderIds.includes(provider) || model.length === 0) {
    throw new Error(`"${text}" is not provider:model; use ${listInWords(modelProviderIds.map((id) => `${id}:<model>`))}`);
  }
  return { provider, model };
}
