import { z } from 'zod';
import { listInWords, modelProviders } from '../model-providers.ts';
import { define, positiveInteger, modelSpec, providerApiKeyVariables } from '../setting-definition.ts';

/** The model behind each role, and how it is called. */
export const modelSettings = {
  model: define({
    key: 'model',
    env: ['MENDER_MODEL'],
    schema: modelSpec.optional(),
    default: undefined,
    description: `Default model for every role, as provider:model (${listInWords(modelProviders.map((provider) => provider.id))}).`,
  }),
  modelBaseUrl: define({
    key: 'modelBaseUrl',
    env: ['MENDER_MODEL_BASE_URL'],
    schema: z.url().optional(),
    default: undefined,
    description: 'Endpoint for openai-compatible models (Ollama, vLLM, LM Studio), or a proxy for the others.',
  }),
  modelApiKey: define({
    key: 'modelApiKey',
    env: ['MENDER_MODEL_API_KEY'],
    schema: z.string().optional(),
    default: undefined,
    description: `API key for the model endpoint (else ${providerApiKeyVariables.join(' / ')}).`,
    secret: true,
  }),
  // Each provider's own key (see model-providers.ts), used when MENDER_MODEL_API_KEY is unset.
  anthropicApiKey: define({
    key: 'anthropicApiKey',
    env: ['ANTHROPIC_API_KEY'],
    schema: z.string().optional(),
    default: undefined,
    description: 'API key for anthropic models when MENDER_MODEL_API_KEY is unset.',
    secret: true,
  }),
  openaiApiKey: define({
    key: 'openaiApiKey',
    env: ['OPENAI_API_KEY'],
    schema: z.string().optional(),
    default: undefined,
    description: 'API key for openai models when MENDER_MODEL_API_KEY is unset.',
    secret: true,
  }),
  plannerModel: define({
    key: 'plannerModel',
    env: ['MENDER_PLANNER_MODEL'],
    schema: modelSpec.optional(),
    default: undefined,
    description: 'Model for the planner role (defaults to MENDER_MODEL).',
  }),
  coderModel: define({
    key: 'coderModel',
    env: ['MENDER_CODER_MODEL'],
    schema: modelSpec.optional(),
    default: undefined,
    description: 'Model for the coder role (defaults to MENDER_MODEL).',
  }),
  reviewerModel: define({
    key: 'reviewerModel',
    env: ['MENDER_REVIEWER_MODEL'],
    schema: modelSpec.optional(),
    default: undefined,
    description: 'Model for the reviewer role (defaults to MENDER_MODEL).',
  }),
  modelTimeoutSeconds: define({
    key: 'modelTimeoutSeconds',
    env: ['MENDER_MODEL_TIMEOUT_SECONDS'],
    schema: positiveInteger,
    default: 120,
    description: 'Time allowed for one model call before it is retried.',
  }),
  modelRetries: define({
    key: 'modelRetries',
    env: ['MENDER_MODEL_RETRIES'],
    schema: z.coerce.number().int().min(0).max(10),
    default: 3,
    description: 'Retries (with exponential backoff) when the model endpoint fails or times out.',
  }),
} as const;
