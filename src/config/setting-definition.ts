// What every settings room (settings/*.ts) is built from: the definition of one setting and the
// value types several rooms share.
import { z } from 'zod';
import { listInWords, modelProviders } from './model-providers.ts';

/** One setting: how it is named, typed, defaulted, documented and read from the environment. */
export interface SettingDefinition<Schema extends z.ZodType = z.ZodType> {
  key: string;
  env: readonly string[];
  schema: Schema;
  default: z.output<Schema> | undefined;
  description: string;
  secret?: boolean;
}

export function define<Schema extends z.ZodType>(definition: SettingDefinition<Schema>): SettingDefinition<Schema> {
  return definition;
}

export const booleanText = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'yes', 'no'])])
  .transform((value) => value === true || value === 'true' || value === '1' || value === 'yes');
export const gatedType = z.enum(['debug', 'fix', 'implement', 'refactor'], {
  error: 'lists operation types: debug, fix, implement, refactor (comma-separated)',
});
const portMessage = 'must be a port number from 0 to 65535';
export const port = z.coerce.number({ error: portMessage }).int(portMessage).min(0, portMessage).max(65_535, portMessage);
export const positiveInteger = z.coerce.number().int().positive();
// Derived from the provider table, so a provider added there is accepted here with no second list.
const escapeForPattern = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const modelSpecPattern = new RegExp(`^(${modelProviders.map((provider) => escapeForPattern(provider.id)).join('|')}):.+$`);
export const modelSpec = z
  .string()
  .regex(modelSpecPattern, `must be provider:model, e.g. ${listInWords(modelProviders.map((provider) => `${provider.id}:${provider.exampleModel}`))}`);
export const providerApiKeyVariables = modelProviders.flatMap((provider) => ('apiKey' in provider ? [provider.apiKey.env] : []));
/** A list, as an array (config file) or comma-separated text (environment). */
export function commaSeparated<Item extends z.ZodType<unknown, string>>(item: Item) {
  return z.union([
    z.array(item),
    z
      .string()
      .transform((value) =>
        value
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean),
      )
      .pipe(z.array(item)),
  ]);
}
export const stringList = commaSeparated(z.string());
/** A name → repository map, as an object (config file) or `KEY=repo,OTHER=repo` (environment). */
export const repoMap = z.union([
  z.record(z.string(), z.string().min(1)),
  z.string().transform((value, context) => {
    const map: Record<string, string> = {};
    for (const pair of value
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)) {
      const [name, repo, ...rest] = pair.split('=').map((part) => part.trim());
      if (!name || !repo || rest.length) {
        context.addIssue({ code: 'custom', message: `must be NAME=repo pairs separated by commas, e.g. SHOP=shop,API=api (got "${pair}")` });
        return z.NEVER;
      }
      map[name] = repo;
    }
    return map;
  }),
]);

/** A setting given as JSON text in the environment, or as the value itself in the config file. */
export function jsonSetting<Schema extends z.ZodType>(schema: Schema, shape: string) {
  return z.union([
    schema,
    z
      .string()
      .transform((value, context) => {
        try {
          return JSON.parse(value) as unknown;
        } catch {
          context.addIssue({ code: 'custom', message: `must be JSON: ${shape}` });
          return z.NEVER;
        }
      })
      .pipe(schema),
  ]);
}
