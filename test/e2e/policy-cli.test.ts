import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtInPolicyFile } from '../../src/policy/load-policy.ts';
import { roleScript, startScriptedModelServer, type ScriptedModelServer } from '../fakes/scripted-model-server.ts';
import { adminToken, startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { plannerReplies } from '../support/scripted-roles.ts';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';
import { runMenderCli } from '../support/mender-cli.ts';

const builtInText = fs.readFileSync(builtInPolicyFile, 'utf8');

describe('mender policy show | check | explain', () => {
  let folder: string;
  let model: ScriptedModelServer;
  let mender: MenderUnderTest;
  let target: TargetRepository;
  let cliEnv: NodeJS.ProcessEnv;
  let waiting: string;

  const cli = (...args: string[]) => runMenderCli(cliEnv, ...args);

  beforeAll(async () => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-policy-cli-'));
    model = await startScriptedModelServer(roleScript({ planner: plannerReplies, coder: [], reviewer: [] }));
    mender = await startMenderUnderTest({ MENDER_MODEL: 'openai-compatible:scripted-model', MENDER_MODEL_BASE_URL: model.url });
    target = createTargetRepository();
    cliEnv = { PATH: process.env.PATH, HOME: process.env.HOME, MENDER_URL: mender.url, MENDER_ADMIN_TOKEN: adminToken, MENDER_DATA_DIR: mender.dataDir };
    expect((await mender.call('POST', '/api/repos', { name: 'cart', path: target.path })).status).toBe(201);
    waiting = (await mender.call('POST', '/api/operations', { type: 'implement', description: 'support a quantity in total()', repo: 'cart' })).json.id;
    await mender.waitForStatus(waiting, ['awaiting_plan_approval']);
  }, 120_000);
  afterAll(async () => {
    await mender?.close();
    await model?.close();
    target?.cleanup();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('check reads a file without a server: FILE:LINE: problem and exit 1, or the rule count and hash', async () => {
    const bad = path.join(folder, 'bad.yaml');
    fs.writeFileSync(
      bad,
      'rules:\n  - id: one\n    decision: ask\n    level: team-lead\n    reason: because\n    when:\n      gate: change\n      severty: P0\n',
    );
    const refused = await cli('policy', 'check', bad);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toBe(`${bad}:8: rule one: unknown fact "severty"; the facts are listed in docs/policy.md\n`);

    const good = path.join(folder, 'good.yaml');
    fs.writeFileSync(good, builtInText);
    const accepted = await cli('policy', 'check', good);
    expect(accepted.exitCode).toBe(0);
    const ruleCount = (builtInText.match(/^ {2}- id: /gm) ?? []).length;
    expect(accepted.stdout).toBe(`${good}: ${ruleCount} rules, hash ${createHash('sha256').update(builtInText).digest('hex')}\n`);
  }, 60_000);

  it('show prints the policy in force with every rule in order, its decision, reason and conditions', async () => {
    const shown = await cli('policy', 'show');
    expect(shown.exitCode, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('policy built-in, hash ');
    expect(shown.stdout).toContain('time zone UTC; business hours 09:00–18:00 mon tue wed thu fri');
    expect(shown.stdout).toMatch(
      /plan-gate-listed {2}ask team-lead {2}\(line \d+\)\n {5}reason: \{operation_type\} plans wait for a person \(setting planGate\)\n {5}when: {3}gate: plan; plan_gate_listed: true/,
    );
    const ids = [...shown.stdout.matchAll(/^ +\d+\. ([a-z0-9-]+) /gm)].map((match) => match[1]);
    const json = JSON.parse((await cli('policy', 'show', '--json')).stdout);
    expect(ids).toEqual(json.rules.map((rule: { id: string }) => rule.id));
    expect(ids.indexOf('plan-gate-listed')).toBeLessThan(ids.indexOf('plan-passes'));
  }, 60_000);

  it('explain names the rule that sent the plan to a person, and says so when a gate has no decision', async () => {
    const explained = await cli('policy', 'explain', waiting);
    expect(explained.exitCode, explained.stderr).toBe(0);
    expect(explained.stdout).toContain(`operation ${waiting} (awaiting_plan_approval), plan gate`);
    expect(explained.stdout).toContain(
      'The plan gate was decided ask (team-lead) by rule plan-gate-listed: implement plans wait for a person (setting planGate).',
    );
    expect(explained.stdout).toContain('now:      rule plan-gate-listed, ask (team-lead)');

    const change = await cli('policy', 'explain', waiting, '--gate', 'change', '--json');
    expect(JSON.parse(change.stdout)).toMatchObject({ gate: 'change', recorded: null, recordedGates: ['plan'] });

    const unknown = await cli('policy', 'explain', 'no-such-operation');
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain('operation no-such-operation does not exist');
  }, 60_000);
});
