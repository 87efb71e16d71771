/**
 * A realistic target repository for the workspace benchmark: a small TypeScript library whose
 * devDependencies come from the npm registry through a real `npm install` (so node_modules and
 * package-lock.json are what a team would have), committed to git with node_modules ignored.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { now } from './figures.ts';

/** Real packages the registry serves; ranges as a project would write them. */
export const benchDevDependencies: Record<string, string> = {
  vitest: '^4.1.12',
  typescript: '^5.9.3',
  zod: '^4.6.7',
  '@types/node': '^20.19.43',
  prettier: '^3.10.1',
};

const files: Record<string, string> = {
  'package.json': `${JSON.stringify(
    {
      name: 'ledger-lib',
      version: '1.0.0',
      private: true,
      type: 'module',
      scripts: { test: 'vitest run', typecheck: 'tsc --noEmit', 'format:check': 'prettier --check src test' },
      devDependencies: benchDevDependencies,
    },
    null,
    2,
  )}\n`,
  'tsconfig.json': `${JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, allowImportingTsExtensions: true, types: ['node'] }, include: ['src', 'test'] }, null, 2)}\n`,
  '.gitignore': 'node_modules\ncoverage\n',
  'src/money.ts': `import { z } from 'zod';

export const moneySchema = z.object({ cents: z.number().int(), currency: z.enum(['EUR', 'USD']) });
export type Money = z.infer<typeof moneySchema>;

export function add(left: Money, right: Money): Money {
  if (left.currency !== right.currency) throw new Error(\`cannot add \${left.currency} to \${right.currency}\`);
  return { cents: left.cents + right.cents, currency: left.currency };
}
`,
  'src/cart.ts': `import { add, type Money } from './money.ts';

export interface Line {
  price: Money;
  quantity: number;
}

export function total(lines: Line[], currency: Money['currency']): Money {
  return lines.reduce((sum, line) => add(sum, { cents: line.price.cents * line.quantity, currency: line.price.currency }), { cents: 0, currency });
}
`,
  'src/format.ts': `import type { Money } from './money.ts';

export function formatMoney(money: Money): string {
  return \`\${(money.cents / 100).toFixed(2)} \${money.currency}\`;
}
`,
  'test/money.test.ts': `import { describe, expect, it } from 'vitest';
import { add, moneySchema } from '../src/money.ts';

describe('money', () => {
  it('adds amounts of one currency', () => {
    expect(add({ cents: 150, currency: 'EUR' }, { cents: 250, currency: 'EUR' })).toEqual({ cents: 400, currency: 'EUR' });
  });
  it('refuses to mix currencies', () => {
    expect(() => add({ cents: 1, currency: 'EUR' }, { cents: 1, currency: 'USD' })).toThrow('cannot add EUR to USD');
  });
  it('parses with zod', () => {
    expect(moneySchema.safeParse({ cents: 1.5, currency: 'EUR' }).success).toBe(false);
  });
});
`,
  'test/cart.test.ts': `import { expect, it } from 'vitest';
import { total } from '../src/cart.ts';
import { formatMoney } from '../src/format.ts';

it('totals lines by quantity', () => {
  const sum = total([{ price: { cents: 400, currency: 'EUR' }, quantity: 3 }, { price: { cents: 99, currency: 'EUR' }, quantity: 1 }], 'EUR');
  expect(formatMoney(sum)).toBe('12.99 EUR');
});
`,
};

export interface NpmTargetRepository {
  path: string;
  /** The npm cache the install filled: a warm CI cache for `npm ci --prefer-offline`. */
  npmCache: string;
  /** Environment for npm and git commands on this repository (our own GIT_* variables removed). */
  env: NodeJS.ProcessEnv;
  installMs: number;
}

/** Environment without GIT_* variables, which would point git at another repository. */
export function cleanEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('GIT_')) environment[name] = value;
  return { ...environment, ...extra };
}

/** Runs a program and returns its stdout; a failure throws with the program's own output. */
export function run(program: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): string {
  try {
    return execFileSync(program, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${program} ${args.join(' ')} failed in ${cwd}: ${failure.message}\n${failure.stdout ?? ''}\n${failure.stderr ?? ''}`, { cause: error });
  }
}

/** Writes the library into `folder/repo`, installs its devDependencies with npm, and commits it. */
export function createNpmTargetRepository(folder: string): NpmTargetRepository {
  const repo = path.join(folder, 'repo');
  const npmCache = path.join(folder, 'npm-cache');
  const env = cleanEnvironment({
    npm_config_cache: npmCache,
    npm_config_update_notifier: 'false',
    GIT_AUTHOR_NAME: 'bench',
    GIT_AUTHOR_EMAIL: 'bench@example.com',
    GIT_COMMITTER_NAME: 'bench',
    GIT_COMMITTER_EMAIL: 'bench@example.com',
  });
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
    fs.writeFileSync(path.join(repo, file), content);
  }
  const started = now();
  run('npm', ['install', '--no-audit', '--no-fund'], repo, env);
  const installMs = now() - started;
  // The library must really work before anything is timed against it.
  run('npm', ['test'], repo, env);
  run('git', ['init', '-q', '-b', 'main'], repo, env);
  run('git', ['add', '-A'], repo, env);
  run('git', ['commit', '-q', '-m', 'ledger library'], repo, env);
  return { path: fs.realpathSync(repo), npmCache, env, installMs };
}
