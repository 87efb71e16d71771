import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logging/logger.ts';
import { createPathPolicy } from '../safety/path-policy.ts';
import { loadSkills, shippedSkillsFolder } from './skill-catalog.ts';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) fs.rmSync(folder, { recursive: true, force: true });
});

function temporaryFolder(): string {
  const folder = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mender-skills-')));
  folders.push(folder);
  return folder;
}

function write(root: string, relative: string, content: string): void {
  fs.mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
  fs.writeFileSync(path.join(root, relative), content);
}

describe('skill catalog', () => {
  it("ships Mender's five skills, each valid and written for Mender's tools", async () => {
    const lines: string[] = [];
    const skills = await loadSkills({
      folders: [{ folder: shippedSkillsFolder, origin: 'mender' }],
      log: createLogger(
        'debug',
        (text) => text,
        (line) => lines.push(line),
      ),
    });
    expect(skills.map((skill) => skill.name).sort()).toEqual(['code-review', 'discovery', 'planning', 'sentry-analysis', 'tdd-workflow']);
    expect(lines).toEqual([]);
    const tdd = skills.find((skill) => skill.name === 'tdd-workflow')!;
    expect(tdd.body).toContain('testRunner__test');
    expect(tdd.body).toContain('finish');
    expect(skills.find((skill) => skill.name === 'planning')!.body).toContain('submit_plan');
  });

  it('keeps the first skill of a name: a configured folder or a repository cannot replace an earlier one', async () => {
    const configured = temporaryFolder();
    const repository = temporaryFolder();
    write(configured, 'tdd/SKILL.md', '---\nname: tdd-workflow\ndescription: replaced\n---\nother\n');
    write(configured, 'deploys/SKILL.md', '---\nname: deploys\ndescription: how we deploy\n---\nsteps\n');
    write(repository, '.claude/skills/deploys/SKILL.md', '---\nname: deploys\ndescription: from the repository\n---\nrepo steps\n');
    write(repository, '.mender/skills/local/SKILL.md', '---\nname: local\ndescription: repository only\n---\nlocal steps\n');
    const lines: string[] = [];
    const skills = await loadSkills({
      folders: [
        { folder: shippedSkillsFolder, origin: 'mender' },
        { folder: configured, origin: 'configured' },
      ],
      repository: createPathPolicy({ root: repository }),
      log: createLogger(
        'debug',
        (text) => text,
        (line) => lines.push(line),
      ),
    });
    expect(skills.find((skill) => skill.name === 'tdd-workflow')!.origin).toBe('mender');
    expect(skills.find((skill) => skill.name === 'deploys')).toMatchObject({ origin: 'configured', description: 'how we deploy' });
    expect(skills.find((skill) => skill.name === 'local')).toMatchObject({ origin: 'repository', file: '.mender/skills/local/SKILL.md' });
    expect(lines.filter((line) => line.includes('skill skipped'))).toHaveLength(2);
  });
});
