import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { roleScript, type RecordedRequest, type ScriptedReply } from '../fakes/scripted-model-server.ts';
import { startCartPipeline, type CartPipeline } from '../support/cart-pipeline.ts';
import { cartPlan } from '../support/scripted-roles.ts';

let pipeline: CartPipeline | undefined;
let outside: string | undefined;

afterEach(async () => {
  await pipeline?.mender.close();
  await pipeline?.model.close();
  pipeline?.target.cleanup();
  pipeline = undefined;
  if (outside) fs.rmSync(outside, { recursive: true, force: true });
});

const bodyMarker = 'Keep money in integer cents: BODY-MARKER-7731';
const skillFile = `---
name: cart-conventions
description: How the cart library handles money and quantities; read before changing totals.
---

# Cart conventions

${bodyMarker}. Round only when displaying.
`;

function write(root: string, relative: string, content: string): void {
  fs.mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
  fs.writeFileSync(path.join(root, relative), content);
}

const text = (request: RecordedRequest) => JSON.stringify(request.body);

describe('skills from the target repository', () => {
  it('lists a repository skill by name and description as untrusted text, and shows its body only after the model loads it', async () => {
    const planner: ScriptedReply[] = [
      { toolCalls: [{ name: 'skills__load', arguments: { name: 'cart-conventions' } }] },
      { toolCalls: [{ name: 'submit_plan', arguments: cartPlan }] },
    ];
    pipeline = await startCartPipeline(roleScript({ planner }));
    const { target, mender, model } = pipeline;
    write(target.path, '.mender/skills/cart-conventions/SKILL.md', skillFile);
    // Skipped with a logged reason: no description; a SKILL.md that links outside the repository.
    write(target.path, '.claude/skills/broken/SKILL.md', '---\nname: broken\n---\nbody\n');
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-skill-outside-'));
    write(outside, 'SKILL.md', '---\nname: smuggled\ndescription: read from outside the repository\n---\nOUTSIDE-MARKER\n');
    fs.mkdirSync(path.join(target.path, '.claude/skills/linked'), { recursive: true });
    fs.symlinkSync(path.join(outside, 'SKILL.md'), path.join(target.path, '.claude/skills/linked/SKILL.md'));
    target.git('add', '-A');
    target.git('commit', '-q', '-m', 'repository skills');

    const created = await mender.call('POST', '/api/operations', { type: 'implement', description: 'Support bulk discounts in total()', repo: 'cart' });
    expect(created.status).toBe(201);
    const operation = await mender.waitForStatus(created.json.id, ['awaiting_plan_approval', 'failed']);
    expect(operation.status).toBe('awaiting_plan_approval');

    const [first, second] = model.requests.filter((request) => request.role === 'planner');
    expect(first!.toolNames).toContain('skills__load');
    // Listed: name and description, the repository's inside an untrusted block; Mender's own too.
    expect(text(first!)).toContain(
      '<untrusted source=\\"skills of the repository\\">\\n- cart-conventions: How the cart library handles money and quantities; read before changing totals.',
    );
    expect(text(first!)).toContain('- tdd-workflow: ');
    expect(text(first!)).not.toContain('BODY-MARKER-7731');
    expect(text(first!)).not.toContain('smuggled');
    expect(text(first!)).not.toContain('- broken');
    // Loaded on request: the body arrives as the tool result, still marked untrusted.
    expect(text(second!)).toContain('<untrusted source=\\"skill cart-conventions\\">');
    expect(text(second!)).toContain(bodyMarker);
    expect(text(second!)).not.toContain('OUTSIDE-MARKER');

    const skipped = mender.logs.filter((line) => line.includes('skill skipped')).join('');
    expect(skipped).toContain('.claude/skills/broken/SKILL.md');
    expect(skipped).toContain('description is required');
    expect(skipped).toContain('.claude/skills/linked/SKILL.md');
  });
});
