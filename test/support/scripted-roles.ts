import type { ScriptedReply } from '../fakes/scripted-model-server.ts';
import { fixedCart, quantityTest } from './target-repository.ts';

export const cartPlan = {
  summary: 'Multiply price by quantity in total()',
  rootCause: 'total() in src/cart.ts adds item.price and ignores item.quantity',
  affectedFiles: ['src/cart.ts', 'test/quantity.test.ts'],
  steps: [
    { type: 'test', description: 'Add a test with a quantity above one', files: ['test/quantity.test.ts'] },
    { type: 'implement', description: 'Multiply by quantity in the reduce', files: ['src/cart.ts'] },
    { type: 'verify', description: 'Run the suite' },
  ],
  testCommand: 'npm test',
  estimatedMinutes: 5,
  riskLevel: 'low',
  risks: ['Callers that relied on the wrong total'],
};

export const plannerReplies: ScriptedReply[] = [{ toolCalls: [{ name: 'submit_plan', arguments: cartPlan }] }];

/** The coder writes a failing test, runs it, fixes the source, runs the tests, finishes. */
export function coderReplies(options: { writeFix: boolean } = { writeFix: true }): ScriptedReply[] {
  return [
    { toolCalls: [{ name: 'filesystem__writeFile', arguments: { path: 'test/quantity.test.ts', content: quantityTest } }] },
    { toolCalls: [{ name: 'testRunner__test', arguments: {} }] },
    options.writeFix
      ? { toolCalls: [{ name: 'filesystem__writeFile', arguments: { path: 'src/cart.ts', content: fixedCart } }] }
      : { toolCalls: [{ name: 'filesystem__readFile', arguments: { path: 'src/cart.ts' } }] },
    { toolCalls: [{ name: 'testRunner__test', arguments: {} }] },
    { toolCalls: [{ name: 'finish', arguments: { summary: 'total() multiplies price by quantity; a test covers it.' } }] },
  ];
}

export const reviewerReplies: ScriptedReply[] = [
  { toolCalls: [{ name: 'submit_review', arguments: { summary: 'Correct and covered by a test.', verdict: 'approve', findings: [] } }] },
];
