import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const menderNodeModules = path.resolve(import.meta.dirname, '../../node_modules');

export const buggyCart = `export interface Item {
  price: number;
  quantity: number;
}

/** Total price of the items, with a discount in percent. */
export function total(items: Item[], discountPercent = 0): number {
  const sum = items.reduce((accumulator, item) => accumulator + item.price, 0);
  return sum * (1 - discountPercent / 100);
}
`;

export const fixedCart = buggyCart.replace('accumulator + item.price, 0', 'accumulator + item.price * item.quantity, 0');

export const cartTest = `import { describe, expect, it } from 'vitest';
import { total } from '../src/cart.ts';

describe('total', () => {
  it('sums single items', () => {
    expect(total([{ price: 5, quantity: 1 }, { price: 3, quantity: 1 }])).toBe(8);
  });

  it('applies a discount', () => {
    expect(total([{ price: 10, quantity: 1 }], 10)).toBe(9);
  });
});
`;

export const quantityTest = `import { expect, it } from 'vitest';
import { total } from '../src/cart.ts';

it('multiplies the price by the quantity', () => {
  expect(total([{ price: 4, quantity: 3 }])).toBe(12);
});
`;

export interface TargetRepository {
  path: string;
  git(...args: string[]): string;
  head(): string;
  cleanup(): void;
}

/**
 * A small TypeScript library with a vitest suite and a real bug (quantities are ignored), in a
 * fresh git repository. Its node_modules links to Mender's own, so vitest runs without an install.
 */
export function createTargetRepository(): TargetRepository {
  const folder = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mender-target-')));
  const files: Record<string, string> = {
    'package.json': `${JSON.stringify({ name: 'cart-lib', version: '1.0.0', type: 'module', scripts: { test: 'vitest run' } }, null, 2)}\n`,
    'src/cart.ts': buggyCart,
    'test/cart.test.ts': cartTest,
    '.gitignore': 'node_modules\n.env\n',
    '.env': 'STRIPE_SECRET=sk_live_planted_secret_value_123456\n',
    'AGENTS.md': 'Run the tests with npm test. Keep functions small.\n',
  };
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(folder, file)), { recursive: true });
    fs.writeFileSync(path.join(folder, file), content);
  }
  fs.symlinkSync(menderNodeModules, path.join(folder, 'node_modules'), 'dir');
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.email=test@example.com', '-c', 'user.name=test', ...args], { cwd: folder, encoding: 'utf8' }).trim();
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'cart library with a quantity bug');
  return { path: folder, git, head: () => git('rev-parse', 'main'), cleanup: () => fs.rmSync(folder, { recursive: true, force: true }) };
}
