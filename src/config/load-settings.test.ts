import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from './config-error.ts';
import { loadSettings, secretSettingValues } from './load-settings.ts';

let folder: string;

beforeEach(() => {
  folder = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mender-settings-')));
});

afterEach(() => {
  vi.unstubAllEnvs();
  fs.rmSync(folder, { recursive: true, force: true });
});

function writeFile(relativePath: string, content: unknown): string {
  const file = path.join(folder, relativePath);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

/** The ConfigError `load` throws (fails the test when it throws something else or nothing). */
function configErrorOf(load: () => unknown): ConfigError {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError, but the settings loaded');
}

describe('loadSettings', () => {
  it('gives the documented defaults when nothing is set', () => {
    const { settings, repos } = loadSettings({}, folder);
    // Settings added later are covered by the .env.example round trip in config-docs.test.ts.
    expect(settings).toMatchObject({
      host: '127.0.0.1',
      port: 7420,
      dataDir: path.join(folder, '.mender'),
      modelTimeoutSeconds: 120,
      modelRetries: 3,
      maxAttempts: 5,
      maxSteps: 40,
      commandTimeoutSeconds: 300,
      commandOutputLimitBytes: 1_000_000,
      toolOutputLimitChars: 12_000,
      planGate: ['implement'],
      planningConcurrency: 2,
      executionConcurrency: 1,
      repoMapTokens: 4_000,
      logLevel: 'info',
    });
    for (const unset of [
      'databaseUrl',
      'adminToken',
      'model',
      'modelBaseUrl',
      'modelApiKey',
      'plannerModel',
      'coderModel',
      'reviewerModel',
      'configFile',
    ] as const) {
      expect(settings[unset]).toBeUndefined();
    }
    expect(repos).toEqual([]);
  });

  it('reads process.env when no environment is passed', () => {
    vi.stubEnv('MENDER_PORT', '7777');
    vi.stubEnv('MENDER_CONFIG', '');
    expect(loadSettings(undefined, folder).settings.port).toBe(7777);
  });

  it('converts values from the environment and resolves the data folder against the working folder', () => {
    const { settings } = loadSettings(
      {
        MENDER_DATA_DIR: 'state',
        MENDER_MAX_STEPS: '12',
        MENDER_LOG_LEVEL: 'debug',
        MENDER_MODEL: 'openai-compatible:qwen3-coder',
        MENDER_MODEL_BASE_URL: 'http://127.0.0.1:11434/v1',
        DATABASE_URL: 'postgres://mender:pw@db/mender',
      },
      folder,
    );
    expect(settings).toMatchObject({
      dataDir: path.join(folder, 'state'),
      maxSteps: 12,
      logLevel: 'debug',
      model: 'openai-compatible:qwen3-coder',
      modelBaseUrl: 'http://127.0.0.1:11434/v1',
      databaseUrl: 'postgres://mender:pw@db/mender',
    });
  });

  it('lets the environment win over the config file, which wins over the defaults', () => {
    writeFile('mender.config.json', { host: '0.0.0.0', port: 8000, maxSteps: 10, logLevel: 'warn' });
    const { settings } = loadSettings({ MENDER_PORT: '9000', MENDER_LOG_LEVEL: 'error', MENDER_HOST: '' }, folder);
    // An empty variable counts as unset: the file's host stays.
    expect(settings).toMatchObject({ host: '0.0.0.0', port: 9000, maxSteps: 10, logLevel: 'error', maxAttempts: 5 });
  });

  it('honours PORT when MENDER_PORT is unset, and prefers MENDER_PORT when both are set', () => {
    expect(loadSettings({ PORT: '3000' }, folder).settings.port).toBe(3000);
    expect(loadSettings({ PORT: '3000', MENDER_PORT: '4000' }, folder).settings.port).toBe(4000);
    expect(loadSettings({ PORT: '3000', MENDER_PORT: '' }, folder).settings.port).toBe(3000);
  });

  it('parses MENDER_PLAN_GATE as a comma-separated list', () => {
    expect(loadSettings({ MENDER_PLAN_GATE: 'fix,implement' }, folder).settings.planGate).toEqual(['fix', 'implement']);
    expect(loadSettings({ MENDER_PLAN_GATE: ' debug , refactor ,' }, folder).settings.planGate).toEqual(['debug', 'refactor']);
    writeFile('mender.config.json', { planGate: ['debug'] });
    expect(loadSettings({}, folder).settings.planGate).toEqual(['debug']);
  });

  it('refuses a model that is not provider:model, naming the variable and the expected form', () => {
    const error = configErrorOf(() => loadSettings({ MENDER_MODEL: 'gpt4' }, folder));
    expect(error.code).toBe('config_invalid');
    expect(error.message).toContain('MENDER_MODEL');
    expect(error.message).toContain('must be provider:model, e.g. anthropic:claude-sonnet-4-5');
  });

  it('reports every bad variable at once', () => {
    const error = configErrorOf(() =>
      loadSettings({ MENDER_PORT: '99999', MENDER_MODEL: 'gpt4', MENDER_LOG_LEVEL: 'verbose', MENDER_ADMIN_TOKEN: 'short' }, folder),
    );
    expect(error.message).toMatch(/MENDER_PORT.*65535/);
    expect(error.message).toContain('MENDER_MODEL');
    expect(error.message).toMatch(/MENDER_LOG_LEVEL.*debug.*info.*warn.*error/);
    expect(error.message).toContain('MENDER_ADMIN_TOKEN must be at least 16 characters');
  });

  // Known bug (reported): for a value that is not a number the message is zod's
  // "Invalid input: expected number, received NaN" — no range, nothing to do. Make this `it` once fixed.
  it('refuses MENDER_PORT=abc, naming the variable and the values it takes', () => {
    const error = configErrorOf(() => loadSettings({ MENDER_PORT: 'abc' }, folder));
    expect(error.message).toContain('MENDER_PORT');
    expect(error.message).toMatch(/0.*65535/);
  });

  // Known bug (reported): the message always names the first variable (MENDER_PORT), though the bad value came from PORT.
  it('names PORT when the bad value came from PORT', () => {
    const error = configErrorOf(() => loadSettings({ PORT: 'abc' }, folder));
    expect(error.message).toMatch(/(?<!MENDER_)PORT/);
  });

  // Known bug (reported): a blank value is coerced to 0, so the server would listen on a random port.
  it('refuses a blank MENDER_PORT instead of taking it as port 0', () => {
    configErrorOf(() => loadSettings({ MENDER_PORT: ' ' }, folder));
  });

  // Known bug (reported): the string branch of the planGate schema does not check the names.
  it('refuses an operation type MENDER_PLAN_GATE does not know', () => {
    const error = configErrorOf(() => loadSettings({ MENDER_PLAN_GATE: 'fix,bogus' }, folder));
    expect(error.message).toContain('MENDER_PLAN_GATE');
  });
});

describe('loadSettings with a config file', () => {
  it('reads repos from the file given by MENDER_CONFIG, resolving their paths against the file', () => {
    writeFile('settings/team.json', {
      repos: [
        { name: 'cart', path: '../repos/cart', commands: { test: 'npm test' } },
        { name: 'billing', path: '/srv/billing', defaultBranch: 'trunk' },
      ],
    });
    const { repos } = loadSettings({ MENDER_CONFIG: 'settings/team.json' }, folder);
    expect(repos).toEqual([
      { name: 'cart', path: path.join(folder, 'repos/cart'), commands: { test: 'npm test' } },
      { name: 'billing', path: '/srv/billing', defaultBranch: 'trunk' },
    ]);
  });

  it('finds mender.config.json in the working folder without MENDER_CONFIG', () => {
    writeFile('mender.config.json', { repos: [{ name: 'cart', path: 'cart' }], maxAttempts: 2 });
    const { settings, repos } = loadSettings({}, folder);
    expect(repos).toEqual([{ name: 'cart', path: path.join(folder, 'cart') }]);
    expect(settings.maxAttempts).toBe(2);
  });

  it('says which file cannot be read and which variable points at it', () => {
    const error = configErrorOf(() => loadSettings({ MENDER_CONFIG: 'missing.json' }, folder));
    expect(error.message).toBe(`config file ${path.join(folder, 'missing.json')} cannot be read: check MENDER_CONFIG`);
    // A folder is not a readable file either.
    fs.mkdirSync(path.join(folder, 'a-folder'));
    expect(configErrorOf(() => loadSettings({ MENDER_CONFIG: 'a-folder' }, folder)).message).toContain('cannot be read');
  });

  it('says which file is not valid JSON', () => {
    const file = writeFile('mender.config.json', '{ "port": 8000, }');
    const error = configErrorOf(() => loadSettings({}, folder));
    expect(error.message).toContain(`config file ${file} is not valid JSON`);
  });

  it('says which file and which field is wrong in a repo entry', () => {
    const file = writeFile('mender.config.json', {
      repos: [
        { name: 'cart', path: 'cart' },
        { name: 'bad name!', path: '' },
      ],
    });
    const error = configErrorOf(() => loadSettings({}, folder));
    expect(error.message).toContain(`config file ${file}`);
    expect(error.message).toContain('repos.1.name: letters, digits, dot, dash and underscore only');
    expect(error.message).toContain('repos.1.path');
    expect(configErrorOf(() => writeAndLoad({ repos: { cart: 'cart' } })).message).toContain('repos');
  });

  it('names the setting when a value in the file is wrong', () => {
    const error = configErrorOf(() => writeAndLoad({ logLevel: 'loud' }));
    expect(error.message).toMatch(/"logLevel" in config file .*mender\.config\.json.*debug.*info.*warn.*error/);
  });

  // Known bug (reported): a bad value from the file is blamed on the environment variable, and the file is not named.
  it('says the bad value came from the config file', () => {
    writeFile('mender.config.json', { port: 'abc' });
    const error = configErrorOf(() => loadSettings({}, folder));
    expect(error.message).toContain(path.join(folder, 'mender.config.json'));
  });
});

function writeAndLoad(content: unknown) {
  writeFile('mender.config.json', content);
  return loadSettings({}, folder);
}

describe('secretSettingValues', () => {
  it('lists the values of secret settings, for redaction, and nothing else', () => {
    const { settings } = loadSettings(
      {
        MENDER_ADMIN_TOKEN: 'admin-token-0123456789',
        DATABASE_URL: 'postgres://mender:pw@db/mender',
        MENDER_MODEL_API_KEY: 'model-key-0123',
        MENDER_MODEL: 'anthropic:claude-sonnet-4-5',
      },
      folder,
    );
    expect(secretSettingValues(settings).sort()).toEqual(['admin-token-0123456789', 'model-key-0123', 'postgres://mender:pw@db/mender']);
  });
});
