import type { LanguageModel } from 'ai';
import type { Settings } from '../config/settings-schema.ts';
import { modelProviderOf, type ProviderApiKeySetting } from '../config/model-providers.ts';
import type { ModelRole } from '../domain/model-role.ts';
import { parseModelSpec, type ModelSpec } from './model-spec.ts';
import { createLanguageModel } from './model-provider.ts';
import { ModelNotConfiguredError } from './model-not-configured-error.ts';

export interface RoleModel {
  role: ModelRole;
  spec: ModelSpec;
  model: LanguageModel;
}

export type ModelSettings = Pick<
  Settings,
  'model' | 'plannerModel' | 'coderModel' | 'reviewerModel' | 'modelBaseUrl' | 'modelApiKey' | ProviderApiKeySetting | 'modelTimeoutSeconds'
>;

const roleSetting = { planner: 'plannerModel', coder: 'coderModel', reviewer: 'reviewerModel' } as const;
const roleVariable = { planner: 'MENDER_PLANNER_MODEL', coder: 'MENDER_CODER_MODEL', reviewer: 'MENDER_REVIEWER_MODEL' } as const;

/** Picks the model for a role: its own setting, else MENDER_MODEL. */
export function modelForRole(role: ModelRole, settings: ModelSettings): RoleModel {
  const text = settings[roleSetting[role]] ?? settings.model;
  if (!text) {
    throw new ModelNotConfiguredError(
      `no model is configured for the ${role}: set MENDER_MODEL=provider:model (e.g. anthropic:claude-sonnet-4-5, openai:gpt-5, or openai-compatible:qwen3-coder with MENDER_MODEL_BASE_URL=http://127.0.0.1:11434/v1), or ${roleVariable[role]} for this role only`,
    );
  }
  const spec = parseModelSpec(text);
  const provider = modelProviderOf(spec.provider);
  const providerApiKey = 'apiKey' in provider ? settings[provider.apiKey.setting] : undefined;
  const model = createLanguageModel(spec, {
    baseUrl: settings.modelBaseUrl,
    apiKey: settings.modelApiKey ?? providerApiKey,
    timeoutMs: settings.modelTimeoutSeconds * 1000,
  });
  return { role, spec, model };
}
