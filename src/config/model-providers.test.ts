import { describe, expect, it } from 'vitest';
import { modelProviderIds, modelProviders } from './model-providers.ts';
import { settingsSchema } from './settings-schema.ts';

const modelSettings = [settingsSchema.model, settingsSchema.plannerModel, settingsSchema.coderModel, settingsSchema.reviewerModel];

describe('the model provider table', () => {
  it('is what the settings accept as provider:model, and nothing else', () => {
    // Near misses of every listed name, plus names a contributor might add.
    const candidates = [
      ...modelProviderIds,
      ...modelProviderIds.flatMap((id) => [`${id}x`, id.slice(1), id.toUpperCase()]),
      'gemini',
      'mistral',
      'bedrock',
      'ollama',
    ];
    for (const setting of modelSettings) {
      const accepted = candidates.filter((name) => setting.schema.safeParse(`${name}:some-model`).success);
      expect(accepted.sort()).toEqual([...modelProviderIds].sort());
    }
  });

  it('names every provider in the message for a wrong model setting', () => {
    const result = settingsSchema.model.schema.safeParse('gpt4');
    expect(result.success).toBe(false);
    for (const provider of modelProviders) expect(result.error?.issues[0]?.message).toContain(`${provider.id}:${provider.exampleModel}`);
  });

  it("defines each provider's own API key as a secret setting read from the variable the table names", () => {
    for (const provider of modelProviders) {
      if (!('apiKey' in provider)) continue;
      const definition = (settingsSchema as Record<string, (typeof settingsSchema)[keyof typeof settingsSchema]>)[provider.apiKey.setting];
      expect(definition, `${provider.apiKey.setting} in settings-schema.ts`).toBeDefined();
      expect(definition!.env).toEqual([provider.apiKey.env]);
      expect('secret' in definition! && definition.secret).toBe(true);
      expect(settingsSchema.modelApiKey.description).toContain(provider.apiKey.env);
    }
  });
});
