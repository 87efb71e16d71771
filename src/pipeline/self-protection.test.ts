import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GatePolicy } from '../policy/gate-policy.ts';
import { loadPolicy } from '../policy/load-policy.ts';
import type { RepoCommands } from '../workspace/detect-commands.ts';
import { executeOperation } from './execute-step.ts';
import { fakePipelineContext } from './testing/fake-pipeline-context.ts';
import { operationRow } from './testing/fake-operation-records.ts';
import { FakeCheckRunner, testRun, type CheckScript } from './testing/fake-check-runner.ts';
import { ScriptedModel, type ScriptedReply } from './testing/scripted-model.ts';
import { throwawayRepository, type ThrowawayRepository } from './testing/throwaway-repository.ts';

const existingTest = 'test/x.test.ts::works';
const ownTest = 'src/app.test.ts::answers';
const policyPath = 'config/gate-policy.yaml';

/** A checkout with the shape of Mender's own, small. */
const checkoutFiles: Record<string, string> = {
  'src/supervisor/supervisor.ts': 'export const revertOnFailure = true;\n',
  'src/app.ts': 'export const answer = 41;\n',
  'test/x.test.ts': "it('works', () => {});\n",
  'bin/mender': '#!/bin/sh\nexec node src/main.ts "$@"\n',
  'scripts/build.ts': 'export {};\n',
  'package.json': '{ "name": "mender", "scripts": { "test": "vitest run" } }\n',
  'vitest.config.ts': 'export default {};\n',
  '.ci/pipeline.yml': 'steps: []\n',
  [policyPath]: 'version: 1\nrules: []\n',
};

/** Every way in the coder is scripted to try, with the path as the tool is given it. */
const attempts: { name: string; input: Record<string, unknown>; target: string }[] = [
  {
    name: 'filesystem__writeFile',
    input: { path: 'src/supervisor/supervisor.ts', content: 'export const revertOnFailure = false;\n' },
    target: 'src/supervisor',
  },
  { name: 'filesystem__writeFile', input: { path: 'src/supervisor/new-helper.ts', content: 'export {};\n' }, target: 'a new file under src/supervisor' },
  { name: 'filesystem__editFile', input: { path: 'test/x.test.ts', startLine: 1, endLine: 1, newContent: "it.skip('works', () => {});" }, target: 'test/' },
  { name: 'filesystem__deleteFile', input: { path: 'bin/mender' }, target: 'bin/' },
  { name: 'filesystem__writeFile', input: { path: 'scripts/build.ts', content: 'process.exit(0);\n' }, target: 'scripts/' },
  { name: 'filesystem__writeFile', input: { path: 'package.json', content: '{ "scripts": { "test": "true" } }\n' }, target: 'package.json' },
  { name: 'filesystem__writeFile', input: { path: 'vitest.config.ts', content: 'export default { test: { include: [] } };\n' }, target: 'vitest.config.ts' },
  { name: 'filesystem__writeFile', input: { path: policyPath, content: 'version: 1\nrules: [{ id: all, decision: allow }]\n' }, target: 'the policy file' },
  { name: 'filesystem__writeFile', input: { path: './src/supervisor/supervisor.ts', content: 'x\n' }, target: 'a ./ spelling' },
  { name: 'filesystem__writeFile', input: { path: 'src\\supervisor\\supervisor.ts', content: 'x\n' }, target: 'a backslash spelling' },
  { name: 'filesystem__writeFile', input: { path: 'src/../src/supervisor/supervisor.ts', content: 'x\n' }, target: 'a path through ..' },
  { name: 'filesystem__writeFile', input: { path: 'SRC/Supervisor/supervisor.ts', content: 'x\n' }, target: 'another case' },
  { name: 'filesystem__writeFile', input: { path: 'docs/supervisor-link.ts', content: 'x\n' }, target: 'a symbolic link to the supervisor' },
  { name: 'filesystem__writeFile', input: { path: 'linked-tests/x.test.ts', content: 'x\n' }, target: 'a linked folder of the tests' },
];

// The test first, in a step of its own (a step's calls run together): a test written after the source is flagged as tampering.
const allowed = [
  { name: 'filesystem__writeFile', input: { path: 'src/app.test.ts', content: "it('answers', () => {});\n" } },
  { name: 'filesystem__writeFile', input: { path: 'src/app.ts', content: 'export const answer = 42;\n' } },
];

const approves: ScriptedReply = { toolCalls: [{ name: 'submit_review', input: { summary: 'Fine.', verdict: 'approve', findings: [] } }] };

const suite: CheckScript = {
  runTests: (_scope, call) => testRun({ passing: call === 0 ? [existingTest] : [existingTest, ownTest] }),
  runChangedTests: (files) => ({ ok: true, run: testRun({ passing: [ownTest] }), files: [...files] }),
};

/** The sandboxed suite as a hostile test of the agent's would run it: it writes into the supervisor. */
class SuiteThatWritesTheSupervisor extends FakeCheckRunner {
  override async runTests(root: string, commands: RepoCommands, signal: AbortSignal, scope?: { changedPaths?: string[] }) {
    const run = await super.runTests(root, commands, signal, scope);
    if (fs.existsSync(path.join(root, 'src/app.test.ts')))
      fs.writeFileSync(path.join(root, 'src/supervisor/supervisor.ts'), 'export const revertOnFailure = false;\n');
    return run;
  }
}

let repository: ThrowawayRepository;
const folders: string[] = [];
afterEach(() => {
  repository?.remove();
  for (const folder of folders.splice(0)) fs.rmSync(folder, { recursive: true, force: true });
});

async function executing(options: { self: boolean; coder: ScriptedModel; checks?: FakeCheckRunner; policyFile?: string; twoPersonRule?: boolean }) {
  repository = await throwawayRepository(checkoutFiles);
  fs.mkdirSync(path.join(repository.path, 'docs'));
  fs.symlinkSync('../src/supervisor/supervisor.ts', path.join(repository.path, 'docs/supervisor-link.ts'));
  fs.symlinkSync('test', path.join(repository.path, 'linked-tests'));
  repository.git('add', '-A');
  repository.git('commit', '--quiet', '--no-verify', '-m', 'links');
  const base = repository.git('rev-parse', 'HEAD');
  const context = fakePipelineContext({
    repo: { ...repository.row, self: options.self },
    models: { coder: options.coder, reviewer: new ScriptedModel([approves]) },
    checks: suite,
    // `require-admin` lets writes to protected paths through elsewhere: the self repository refuses them anyway.
    settings: {
      protectedPathAction: 'require-admin',
      policyFile: options.policyFile ?? path.join(repository.path, policyPath),
      twoPersonRule: options.twoPersonRule ?? false,
      autonomyLevel: 3,
    },
  });
  if (options.checks) context.checks = options.checks;
  context.operations.add(
    operationRow({
      status: 'executing',
      type: 'refactor',
      plan: { summary: 'Answer 42.', rootCause: '-', affectedFiles: ['src/app.ts'], steps: [], riskLevel: 'low', risks: [] },
      planMarkdown: '# Plan',
      branch: 'mender/op1-answer',
      baseCommit: base,
      maxAttempts: 1,
    }),
  );
  return context;
}

/** What each tool call of the coder's turn answered, in call order, as the model read it. */
function toolResultsOf(model: ScriptedModel): { toolName: string; text: string }[] {
  const last = model.languageModel.doGenerateCalls.at(-1)!.prompt;
  return last.flatMap((message) =>
    message.role === 'tool'
      ? message.content.flatMap((part) => (part.type === 'tool-result' ? [{ toolName: part.toolName, text: JSON.stringify(part.output) }] : []))
      : [],
  );
}

/** A policy file that lets everything through: the loosest a team could write. */
function loosePolicy(): GatePolicy {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-loose-policy-'));
  folders.push(folder);
  const file = path.join(folder, 'policy.yaml');
  fs.writeFileSync(
    file,
    'version: 1\nrules:\n  - id: anything-goes\n    decision: allow\n    reason: everything passes\n    when:\n      gate: [plan, change, deploy, promote]\n',
  );
  return new GatePolicy(loadPolicy(file), 'UTC', () => new Date());
}

describe("Mender's own repository: the self-protected files", () => {
  it('are refused by every edit tool, whatever protectedPathAction says, and whatever the spelling; other files are written', async () => {
    const coder = new ScriptedModel([
      { toolCalls: [...attempts.map(({ name, input }) => ({ name, input })), allowed[0]!] },
      { toolCalls: [allowed[1]!] },
      { toolCalls: [{ name: 'finish', input: { summary: 'done' } }] },
    ]);
    const context = await executing({ self: true, coder });

    await executeOperation(context, 'op1', new AbortController().signal);

    const results = toolResultsOf(coder);
    expect(results).toHaveLength(attempts.length + allowed.length);
    attempts.forEach((attempt, index) => {
      const text = results[index]!.text;
      expect(text, `${attempt.target}: ${text}`).toContain('path_denied');
      expect(text, attempt.target).toContain("one of Mender's self-protected files");
      expect(text, attempt.target).toContain('a person changes these by hand');
    });
    expect(results.slice(attempts.length).map((result) => result.text)).not.toContain('path_denied');
    for (const [file, content] of Object.entries(checkoutFiles))
      if (file !== 'src/app.ts') expect(fs.readFileSync(path.join(repository.path, file), 'utf8'), file).toBe(content);
    expect(fs.readFileSync(path.join(repository.path, 'src/app.ts'), 'utf8')).toBe('export const answer = 42;\n');
    // Nothing protected changed, so the gate is the policy's own.
    const requested = context.operations.events.find((event) => event.type === 'approval.requested' || event.type === 'change.auto_approved');
    expect(requested?.type).toBe('change.auto_approved');
  });

  it('are refused even when the policy file lies elsewhere, and the policy file is not special then', async () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-policy-elsewhere-'));
    folders.push(outside);
    const coder = new ScriptedModel([
      { toolCalls: [attempts[0]!, { name: 'filesystem__writeFile', input: { path: policyPath, content: 'version: 1\n' } }] },
      { toolCalls: [{ name: 'finish', input: { summary: 'done' } }] },
    ]);
    const context = await executing({ self: true, coder, policyFile: path.join(outside, 'policy.yaml') });

    await executeOperation(context, 'op1', new AbortController().signal);

    const [supervisor, policy] = toolResultsOf(coder);
    expect(supervisor!.text).toContain("one of Mender's self-protected files");
    expect(policy!.text).not.toContain('path_denied');
  });

  it('leave an ordinary repository as it was: the same writes go through under require-admin', async () => {
    const coder = new ScriptedModel([
      { toolCalls: [attempts[0]!, attempts[2]!, attempts[4]!, attempts[7]!] },
      { toolCalls: [{ name: 'finish', input: { summary: 'done' } }] },
    ]);
    const context = await executing({ self: false, coder });

    await executeOperation(context, 'op1', new AbortController().signal);

    for (const result of toolResultsOf(coder)) expect(result.text).not.toContain('path_denied');
    expect(fs.readFileSync(path.join(repository.path, 'src/supervisor/supervisor.ts'), 'utf8')).toBe('export const revertOnFailure = false;\n');
  });

  it('hold a change a sandboxed test wrote into them at admin with two people, though the policy in force lets everything through', async () => {
    const coder = new ScriptedModel([
      { toolCalls: [allowed[0]!] },
      { toolCalls: [allowed[1]!] },
      { toolCalls: [{ name: 'finish', input: { summary: 'done' } }] },
    ]);
    const context = await executing({ self: true, coder, checks: new SuiteThatWritesTheSupervisor(suite), twoPersonRule: false });
    context.policy = loosePolicy();

    await executeOperation(context, 'op1', new AbortController().signal);

    const operation = await context.operations.get('op1');
    expect(operation.status).toBe('awaiting_approval');
    const requested = context.operations.events.find((event) => event.type === 'approval.requested');
    expect(requested?.data).toMatchObject({
      gate: 'change',
      requiredLevel: 'admin',
      rule: 'self-protection-floor',
      selfProtection: {
        paths: ['src/supervisor/supervisor.ts'],
        level: 'admin',
        twoPersonRule: true,
        policyDecided: { outcome: 'allow', level: 'auto', rule: 'anything-goes' },
      },
      policy: { facts: { self_protected: true, self_protected_paths: ['src/supervisor/supervisor.ts'] } },
    });
    expect(requested?.data.recheckAt).toBeUndefined();
    expect(context.operations.events.map((event) => event.type)).not.toContain('change.auto_approved');
    expect(context.calls.filter((call) => call.startsWith('transition')).at(-1)).toBe('transition reviewing→awaiting_approval');
  });

  it('are named by the built-in policy too, with its own rule', async () => {
    const coder = new ScriptedModel([
      { toolCalls: [allowed[0]!] },
      { toolCalls: [allowed[1]!] },
      { toolCalls: [{ name: 'finish', input: { summary: 'done' } }] },
    ]);
    const context = await executing({ self: true, coder, checks: new SuiteThatWritesTheSupervisor(suite) });

    await executeOperation(context, 'op1', new AbortController().signal);

    const requested = context.operations.events.find((event) => event.type === 'approval.requested');
    expect(requested?.data).toMatchObject({ requiredLevel: 'admin', rule: 'self-protected-paths', selfProtection: { twoPersonRule: true } });
    expect((requested?.data.selfProtection as { policyDecided?: unknown }).policyDecided).toBeUndefined();
  });

  it('do not hold the same change in an ordinary repository', async () => {
    const coder = new ScriptedModel([
      { toolCalls: [allowed[0]!] },
      { toolCalls: [allowed[1]!] },
      { toolCalls: [{ name: 'finish', input: { summary: 'done' } }] },
    ]);
    const context = await executing({ self: false, coder, checks: new SuiteThatWritesTheSupervisor(suite) });
    context.policy = loosePolicy();

    await executeOperation(context, 'op1', new AbortController().signal);

    expect(context.operations.events.map((event) => event.type)).toContain('change.auto_approved');
  });
});
