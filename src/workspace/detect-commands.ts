import fs from 'node:fs';
import path from 'node:path';

export type CommandName = 'test' | 'typecheck' | 'lint' | 'build' | 'format';
export type RepoCommands = Partial<Record<CommandName, string>>;

interface PackageJson {
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** Reads package.json scripts without trusting its shape. */
export function readPackageScripts(root: string): Record<string, string> {
  return readPackageJson(root)?.scripts ?? {};
}

function readPackageJson(root: string): PackageJson | undefined {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    if (!parsed || typeof parsed !== 'object') return undefined;
    const json = parsed as Record<string, unknown>;
    const stringRecord = (value: unknown): Record<string, string> | undefined =>
      value && typeof value === 'object'
        ? (Object.fromEntries(Object.entries(value).filter(([, item]) => typeof item === 'string')) as Record<string, string>)
        : undefined;
    return { scripts: stringRecord(json.scripts), dependencies: stringRecord(json.dependencies), devDependencies: stringRecord(json.devDependencies) };
  } catch {
    return undefined;
  }
}

function packageManager(root: string): 'npm' | 'pnpm' | 'yarn' {
  if (fs.existsSync(path.join(root, 'pnpm-lock.yaml'))) return 'pnpm';
  if (fs.existsSync(path.join(root, 'yarn.lock'))) return 'yarn';
  return 'npm';
}

/** Test / typecheck / lint / build / format commands from package.json; overrides win. */
export function detectCommands(root: string, overrides: RepoCommands = {}): RepoCommands {
  const json = readPackageJson(root);
  const scripts = json?.scripts ?? {};
  const manager = packageManager(root);
  const run = (script: string) => (manager === 'npm' ? (script === 'test' ? 'npm test' : `npm run ${script}`) : `${manager} run ${script}`);
  const firstScript = (...names: string[]) => names.find((name) => scripts[name] && !/no test specified/.test(scripts[name] ?? ''));
  const detected: RepoCommands = {};
  const test = firstScript('test');
  if (test) detected.test = run(test);
  const typecheck = firstScript('typecheck', 'type-check', 'tsc', 'check-types');
  const dependencies = { ...json?.dependencies, ...json?.devDependencies };
  if (typecheck) detected.typecheck = run(typecheck);
  else if (dependencies.typescript && fs.existsSync(path.join(root, 'tsconfig.json'))) detected.typecheck = 'npx --no-install tsc --noEmit';
  const lint = firstScript('lint');
  if (lint) detected.lint = run(lint);
  const build = firstScript('build');
  if (build) detected.build = run(build);
  const format = firstScript('format:check', 'format-check', 'prettier:check');
  if (format) detected.format = run(format);
  return { ...detected, ...overrides };
}
