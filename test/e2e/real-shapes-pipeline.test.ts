// End to end on three shapes that defeated Mender on real repositories: one Mender, a scripted
// coder that writes the fixture's new test, runs it, fixes the source and finishes. Red must name
// the new test, run on it alone (the time beside the full suite's), and green must show no new
// failures by name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScriptedModelServer, type ScriptedModelServer, type ScriptedReply } from '../fakes/scripted-model-server.ts';
import { roleScript } from '../fakes/scripted-model-server.ts';
import { countAssistantTurns } from '../fakes/conversation-inspection.ts';
import { startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { jestChain, npmWorkspaces, tapeBehindNpmRun, tapWithBuild, type ShapeFixture } from '../support/real-shape-fixtures.ts';
import { reviewerReplies } from '../support/scripted-roles.ts';

const fixtures: ShapeFixture[] = [];
const fixtureOf = (body: unknown) => fixtures.find((fixture) => JSON.stringify(body).includes(`[fixture ${fixture.name}]`));

function planFor(fixture: ShapeFixture) {
  return {
    summary: `Fix the bug in ${fixture.fix.path}`,
    rootCause: `${fixture.fix.path} handles a case wrongly`,
    affectedFiles: [fixture.fix.path, fixture.newTest.path],
    steps: [
      { type: 'test', description: 'Add a test that shows the bug', files: [fixture.newTest.path] },
      { type: 'implement', description: 'Fix the source', files: [fixture.fix.path] },
      { type: 'verify', description: 'Run the suite' },
    ],
    testCommand: 'npm test',
    estimatedMinutes: 5,
    riskLevel: 'low',
    risks: [],
  };
}

function coderFor(fixture: ShapeFixture): ScriptedReply[] {
  return [
    { toolCalls: [{ name: 'filesystem__writeFile', arguments: fixture.newTest }] },
    { toolCalls: [{ name: 'testRunner__test', arguments: {} }] },
    { toolCalls: [{ name: 'filesystem__writeFile', arguments: fixture.fix }] },
    { toolCalls: [{ name: 'testRunner__test', arguments: {} }] },
    { toolCalls: [{ name: 'finish', arguments: { summary: 'fixed, with a test' } }] },
  ];
}

describe('red on the new test, green on the whole suite, on real suite shapes', () => {
  let model: ScriptedModelServer;
  let mender: MenderUnderTest;

  beforeAll(async () => {
    fixtures.push(tapWithBuild(), tapeBehindNpmRun(), jestChain(), npmWorkspaces());
    model = await startScriptedModelServer(
      roleScript({
        planner: (request) => {
          const fixture = fixtureOf(request.body);
          return fixture ? { toolCalls: [{ name: 'submit_plan', arguments: planFor(fixture) }] } : { text: 'unknown fixture' };
        },
        coder: (request) => {
          const fixture = fixtureOf(request.body);
          return (fixture && coderFor(fixture)[countAssistantTurns(request.body)]) ?? { text: 'done' };
        },
        reviewer: reviewerReplies,
      }),
    );
    mender = await startMenderUnderTest({ MENDER_MODEL: 'openai-compatible:scripted-model', MENDER_MODEL_BASE_URL: model.url, MENDER_MAX_ATTEMPTS: '1' });
  });
  afterAll(async () => {
    await mender?.close();
    await model?.close();
    for (const fixture of fixtures) fixture.cleanup();
  });

  async function fixThrough(fixture: ShapeFixture) {
    expect((await mender.call('POST', '/api/repos', { name: fixture.name, path: fixture.folder })).status).toBe(201);
    const created = await mender.call('POST', '/api/operations', {
      type: 'fix',
      description: `[fixture ${fixture.name}] ${fixture.shape}: the result is wrong`,
      repo: fixture.name,
    });
    expect(created.status, created.text).toBe(201);
    const operation = await mender.waitForStatus(created.json.id, ['failed', 'awaiting_approval', 'done'], 220_000);
    expect(operation.status, `${operation.failureReason}\n${JSON.stringify(operation.evidence, null, 1).slice(0, 4000)}`).not.toBe('failed');
    return operation;
  }

  for (const [index, title] of ['tap 16 with a pretest build', 'tape behind npm run', 'jest chained with &&'].entries()) {
    it(title, { timeout: 240_000 }, async () => {
      const fixture = fixtures[index]!;
      const operation = await fixThrough(fixture);
      const { baseline, red, green } = operation.evidence;
      expect(baseline.structured).toBe(true);
      // Red: the new test alone, against the old source, failing by name.
      expect(red.status).toBe('confirmed');
      expect(red.scope, red.scopeReason).toBe('changed-tests');
      expect(red.newlyFailing).toContain(fixture.redId);
      expect(red.run.failures.map((failure: { id: string }) => failure.id)).toContain(fixture.redId);
      expect(red.run.failures.find((failure: { id: string }) => failure.id === fixture.redId)?.file).toBe(fixture.newTest.path);
      expect(red.fullSuiteMs).toBe(baseline.durationMs);
      expect(red.run.durationMs).toBeGreaterThan(0);
      // Green: the whole suite, compared test by test with the baseline.
      expect(green.status).toBe('passed');
      expect(green.newFailures).toEqual([]);
      expect(green.stillFailing).toEqual([]);
      expect(green.run.steps.length).toBeGreaterThan(0);
      expect(green.run.steps.every((step: { structured: boolean }) => step.structured)).toBe(true);
      expect(green.run.passed).toBeGreaterThan(baseline.passed);
      console.log(`${fixture.shape}: red ${red.run.durationMs} ms on the new test alone, full suite ${baseline.durationMs} ms at baseline`);
    });
  }

  it('npm workspaces: red and green run only the package the change touches', { timeout: 240_000 }, async () => {
    const fixture = fixtures[3]!;
    const operation = await fixThrough(fixture);
    const { baseline, red, green } = operation.evidence;
    const packagesOf = (run: { steps: { scripts: string[] }[] }) => [...new Set(run.steps.map((step) => step.scripts[1]))];
    // The baseline ran every package; the change is in app, which core does not depend on.
    expect(baseline.stepFiles.map((step: { scripts: string[] }) => step.scripts[1]).sort()).toEqual(['@shape/app', '@shape/core']);
    expect(red.status).toBe('confirmed');
    expect(red.newlyFailing).toEqual([fixture.redId]);
    expect(packagesOf(red.run)).toEqual(['@shape/app']);
    expect(green.status).toBe('passed');
    expect(green.newFailures).toEqual([]);
    expect(packagesOf(green.run)).toEqual(['@shape/app']);
    expect(green.run.passed).toBe(2);
  });
});
