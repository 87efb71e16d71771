import { settingsSchema, type SettingDefinition } from './settings-schema.ts';

// The README's configuration table and `.env.example` are rendered from the settings schema
// alone, so they cannot drift from what loadSettings accepts (scripts/generate-config-docs.ts).

export const configBlockStart = '<!-- config:start -->';
export const configBlockEnd = '<!-- config:end -->';

const definitions: readonly SettingDefinition[] = Object.values(settingsSchema);

/** A default as it would be written in the environment: lists comma-separated, none as undefined. */
function environmentValue(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}

/** Text for one Markdown table cell: pipes and line breaks would end the cell or the row. */
function tableCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** The configuration table for the README: variable(s), default and description of every setting. */
export function renderConfigTable(): string {
  const rows = definitions.map((definition) => {
    const variables = definition.env.map((name) => `\`${name}\``).join(', ');
    const value = environmentValue(definition.default);
    const defaultCell = value === undefined ? '—' : `\`${value}\``;
    const description = definition.secret ? `**Secret.** ${definition.description}` : definition.description;
    return `| ${tableCell(variables)} | ${tableCell(defaultCell)} | ${tableCell(description)} |`;
  });
  return ['| Variable | Default | Description |', '| --- | --- | --- |', ...rows].join('\n') + '\n';
}

/**
 * `.env.example`: every setting as a commented block (description, default, the assignment), so a
 * copy changes nothing until a line is uncommented. Secrets are left empty.
 */
export function renderEnvExample(): string {
  const header = [
    '# Mender settings, generated from src/config/settings-schema.ts by `npm run docs`: edit the schema, not this file.',
    '# Mender reads the environment, not this file: copy it to .env, uncomment what you change and load it',
    '# with `node --env-file=.env bin/mender.mjs start`, `docker run --env-file .env` or your process manager.',
    '# Environment variables win over the config file (mender.config.json or MENDER_CONFIG).',
  ].join('\n');
  const blocks = definitions.map((definition) => {
    const [name, ...aliases] = definition.env;
    const value = environmentValue(definition.default);
    const lines = [`# ${definition.description}`];
    lines.push(`# Default: ${value === undefined ? 'not set' : value}`);
    if (aliases.length > 0) lines.push(`# Also read from: ${aliases.join(', ')} (${name} wins)`);
    if (definition.secret) lines.push('# Secret: keep the real value out of version control.');
    lines.push(`# ${name}=${definition.secret ? '' : (value ?? '')}`);
    return lines.join('\n');
  });
  return `${[header, ...blocks].join('\n\n')}\n`;
}

/**
 * The README with the text between the config markers replaced by `table`; undefined when the
 * markers are missing or out of order.
 */
export function replaceConfigBlock(readme: string, table: string): string | undefined {
  const start = readme.indexOf(configBlockStart);
  const end = readme.indexOf(configBlockEnd, start + configBlockStart.length);
  if (start === -1 || end === -1) return undefined;
  // Blank lines around the table, so no Markdown renderer takes a marker for part of it.
  return `${readme.slice(0, start + configBlockStart.length)}\n\n${table.trimEnd()}\n\n${readme.slice(end)}`;
}
