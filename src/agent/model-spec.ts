export type ModelProviderName = 'anthropic' | 'openai' | 'openai-compatible';

export interface ModelSpec {
  provider: ModelProviderName;
  model: string;
}

const providers: readonly ModelProviderName[] = ['anthropic', 'openai', 'openai-compatible'];

/** Parses `provider:model`; the settings schema has already checked the shape. */
export function parseModelSpec(text: string): ModelSpec {
  const separator = text.indexOf(':');
  const provider = text.slice(0, separator) as ModelProviderName;
  const model = text.slice(separator + 1);
  if (separator <= 0 || !providers.includes(provider) || model.length === 0) {
    throw new Error(`"${text}" is not provider:model; use anthropic:<model>, openai:<model> or openai-compatible:<model>`);
  }
  return { provider, model };
}
