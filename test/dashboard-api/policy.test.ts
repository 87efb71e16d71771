import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtInPolicyFile } from '../../src/policy/load-policy.ts';
import { roleScript, startScriptedModelServer, type ScriptedModelServer } from '../fakes/scripted-model-server.ts';
import { startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { plannerReplies } from '../support/scripted-roles.ts';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';
import { createUserAndSignIn, type BrowserSession } from './support/browser-session.ts';

const builtInText = fs.readFileSync(builtInPolicyFile, 'utf8');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
// A first rule that sends every plan to an admin: it changes who decides a waiting plan.
const adminPlans = builtInText.replace(
  'rules:\n',
  'rules:\n  - id: plans-by-admin\n    decision: ask\n    level: admin\n    reason: an admin reads every plan this week\n    when:\n      gate: plan\n\n',
);
const misspelt = 'rules:\n  - id: one\n    decision: ask\n    level: team-lead\n    reason: because\n    when:\n      gate: change\n      severty: P0\n';

describe('the policy through the API: show, explain, change, reload', () => {
  let folder: string;
  let policyFile: string;
  let model: ScriptedModelServer;
  let mender: MenderUnderTest;
  let target: TargetRepository;
  let admin: BrowserSession;
  let lead: BrowserSession;
  let viewer: BrowserSession;
  let waiting: string;

  const put = (session: BrowserSession, text: string) => session.call('PUT', '/api/policy', text, { headers: { 'content-type': 'application/yaml' } });
  const audit = async () =>
    (await mender.call('GET', '/api/audit?action=policy.changed')).json.entries as { actor: string; details: Record<string, unknown> }[];

  beforeAll(async () => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-policy-api-'));
    policyFile = path.join(folder, 'policy.yaml');
    fs.writeFileSync(policyFile, builtInText);
    model = await startScriptedModelServer(roleScript({ planner: plannerReplies, coder: [], reviewer: [] }));
    mender = await startMenderUnderTest({ MENDER_MODEL: 'openai-compatible:scripted-model', MENDER_MODEL_BASE_URL: model.url, MENDER_POLICY_FILE: policyFile });
    target = createTargetRepository();
    expect((await mender.call('POST', '/api/repos', { name: 'cart', path: target.path })).status).toBe(201);
    admin = await createUserAndSignIn(mender, 'ada', 'admin');
    lead = await createUserAndSignIn(mender, 'lee', 'team-lead');
    viewer = await createUserAndSignIn(mender, 'val', 'viewer');
    waiting = (await lead.call('POST', '/api/operations', { type: 'implement', description: 'support a quantity in total()', repo: 'cart' })).json.id;
    await mender.waitForStatus(waiting, ['awaiting_plan_approval']);
  }, 120_000);
  afterAll(async () => {
    await mender?.close();
    await model?.close();
    target?.cleanup();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('shows the policy in force: source, hash, time zone, business hours and the rules in order with their conditions', async () => {
    const answer = await admin.call('GET', '/api/policy');
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      source: policyFile,
      hash: sha256(builtInText),
      timeZone: 'UTC',
      businessHours: { start: '09:00', end: '18:00', days: ['mon', 'tue', 'wed', 'thu', 'fri'] },
      text: builtInText,
      editable: true,
    });
    const planRule = answer.json.rules.find((rule: { id: string }) => rule.id === 'plan-gate-listed');
    expect(planRule).toMatchObject({ decision: 'ask', level: 'team-lead', reason: '{operation_type} plans wait for a person (setting planGate)' });
    expect(planRule.when.map((condition: { text: string }) => condition.text)).toEqual(['gate: plan', 'plan_gate_listed: true']);
    expect(builtInText.split('\n')[planRule.line - 1]).toContain('- id: plan-gate-listed');
    const viewed = await viewer.call('GET', '/api/policy');
    expect(viewed.status).toBe(403);
    expect(viewed.json.error.message).toContain('only admins read the policy');
  });

  it('explains a waiting plan: the rule recorded, and what decides it now under the same policy', async () => {
    const answer = await lead.call('POST', '/api/policy/explain', { operationId: waiting });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      gate: 'plan',
      recordedGates: ['plan'],
      pending: true,
      recorded: {
        gate: 'plan',
        outcome: 'ask',
        level: 'team-lead',
        rule: 'plan-gate-listed',
        policyHash: sha256(builtInText),
        event: { type: 'plan.created' },
      },
      now: { outcome: 'ask', rule: 'plan-gate-listed', policyChanged: false, factsFrom: 'plan' },
    });
    expect(answer.json.recorded.facts).toMatchObject({ gate: 'plan', operation_type: 'implement', plan_gate_listed: true });
    expect(answer.json.message).toContain('by rule plan-gate-listed: implement plans wait for a person');
  });

  it('says when a gate has no recorded decision, which gates have one, and refuses unknown operations and gates', async () => {
    const change = await lead.call('POST', '/api/policy/explain', { operationId: waiting, gate: 'change' });
    expect(change.status).toBe(200);
    expect(change.json).toMatchObject({ gate: 'change', recorded: null, recordedGates: ['plan'], pending: false, now: { factsFrom: 'plan' } });
    expect(change.json.message).toContain('No decision of the change gate is recorded for this operation; recorded gates: plan');
    const unknown = await lead.call('POST', '/api/policy/explain', { operationId: 'no-such-operation' });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.message).toContain('operation no-such-operation does not exist');
    const badGate = await lead.call('POST', '/api/policy/explain', { operationId: waiting, gate: 'merge' });
    expect(badGate.status).toBe(400);
    expect(badGate.json.error.message).toContain('gate');
  });

  it('refuses a policy with an error, naming the line, and changes nothing', async () => {
    const answer = await put(admin, misspelt);
    expect(answer.status, answer.text).toBe(400);
    expect(answer.json.error).toMatchObject({ code: 'invalid_policy', line: 8, problem: expect.stringContaining('unknown fact "severty"') });
    expect(answer.json.error.message).toContain(`${policyFile}:8: rule one: unknown fact "severty"`);
    expect(fs.readFileSync(policyFile, 'utf8')).toBe(builtInText);
    expect((await admin.call('GET', '/api/policy')).json.hash).toBe(sha256(builtInText));
    expect((await put(lead, adminPlans)).status).toBe(403);
    expect(await audit()).toEqual([]);
  });

  it('writes a good policy to the file, puts it in force whole, audits old and new hash, and explain sees the change', async () => {
    const answer = await put(admin, adminPlans);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.json).toMatchObject({ changed: true, oldHash: sha256(builtInText), newHash: sha256(adminPlans), policy: { hash: sha256(adminPlans) } });
    expect(answer.json.policy.rules[0].id).toBe('plans-by-admin');
    expect(fs.readFileSync(policyFile, 'utf8')).toBe(adminPlans);
    expect(fs.readdirSync(folder)).toEqual(['policy.yaml']);
    expect(await audit()).toEqual([
      expect.objectContaining({ actor: 'ada', details: expect.objectContaining({ oldHash: sha256(builtInText), newHash: sha256(adminPlans), via: 'write' }) }),
    ]);
    const explained = await lead.call('POST', '/api/policy/explain', { operationId: waiting, gate: 'plan' });
    expect(explained.json.recorded.rule).toBe('plan-gate-listed');
    expect(explained.json.now).toMatchObject({ outcome: 'ask', level: 'admin', rule: 'plans-by-admin', policyChanged: true });
    expect(explained.json.message).toContain('The policy has changed since the recorded decision.');
  });

  it('reloads the file: a bad file leaves the policy in force and names the line; a good one replaces it, audited', async () => {
    fs.writeFileSync(policyFile, misspelt);
    const bad = await admin.call('POST', '/api/policy/reload');
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ line: 8, problem: expect.stringContaining('severty') });
    expect((await admin.call('GET', '/api/policy')).json.hash).toBe(sha256(adminPlans));

    fs.writeFileSync(policyFile, builtInText);
    const good = await admin.call('POST', '/api/policy/reload');
    expect(good.status, good.text).toBe(200);
    expect(good.json).toMatchObject({ changed: true, oldHash: sha256(adminPlans), newHash: sha256(builtInText) });
    expect((await audit()).at(-1)).toMatchObject({ actor: 'ada', details: { oldHash: sha256(adminPlans), newHash: sha256(builtInText), via: 'reload' } });
    expect((await lead.call('POST', '/api/policy/reload')).status).toBe(403);
  });
});

describe('the built-in policy', () => {
  let mender: MenderUnderTest;
  beforeAll(async () => {
    mender = await startMenderUnderTest();
  });
  afterAll(async () => {
    await mender?.close();
  });

  it('is shown but never written: change and reload answer 409 naming MENDER_POLICY_FILE', async () => {
    expect((await mender.call('GET', '/api/policy')).json).toMatchObject({ source: 'built-in', editable: false });
    const changed = await mender.call('PUT', '/api/policy', adminPlans, { 'content-type': 'application/yaml' });
    expect(changed.status).toBe(409);
    expect(changed.json.error.message).toContain('set MENDER_POLICY_FILE');
    expect((await mender.call('POST', '/api/policy/reload')).status).toBe(409);
    expect(fs.readFileSync(builtInPolicyFile, 'utf8')).toBe(builtInText);
  });
});
