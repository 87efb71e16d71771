import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logging/logger.ts';
import type { PathPolicy } from '../safety/path-policy.ts';
import { maxSkillBytes, parseSkillFile, type Skill, type SkillOrigin } from './skill-file.ts';

/** Mender's own skills, shipped beside the source. */
export const shippedSkillsFolder = path.resolve(import.meta.dirname, '../../skills');

/** Where a target repository keeps its skills, relative to its root. */
export const repositorySkillFolders = ['.mender/skills', '.claude/skills'] as const;

export interface SkillSources {
  /** Trusted folders, in order: Mender's own first, then configured ones. */
  folders: { folder: string; origin: Exclude<SkillOrigin, 'repository'> }[];
  /** The target repository's checkout, read only through its path policy (jail, deny list). */
  repository?: PathPolicy;
  log: Logger;
}

/**
 * Skills from every source. A name already taken by an earlier source is skipped (a repository
 * cannot replace Mender's own skills); every skipped file is logged with its reason.
 */
export async function loadSkills(sources: SkillSources): Promise<Skill[]> {
  const skills = new Map<string, Skill>();
  const add = (result: ReturnType<typeof parseSkillFile>, file: string) => {
    if (!result.ok) return sources.log.warn('skill skipped', { file, reason: result.reason });
    const taken = skills.get(result.skill.name);
    if (taken) return sources.log.warn('skill skipped', { file, reason: `the name ${result.skill.name} is already taken by ${taken.file}` });
    skills.set(result.skill.name, result.skill);
  };
  for (const { folder, origin } of sources.folders) {
    for (const entry of listFolders(folder)) {
      const file = path.join(folder, entry, 'SKILL.md');
      const text = readSmallFile(file);
      if (text === undefined) continue;
      add(parseSkillFile(text, origin, file), file);
    }
  }
  if (sources.repository) {
    for (const [file, text] of await readRepositorySkillFiles(sources.repository, sources.log)) add(parseSkillFile(text, 'repository', file), file);
  }
  return [...skills.values()];
}

async function readRepositorySkillFiles(policy: PathPolicy, log: Logger): Promise<[string, string][]> {
  const files: [string, string][] = [];
  for (const folder of repositorySkillFolders) {
    const directory = await policy.resolveDirectory(folder);
    if (!directory.ok) continue;
    for (const entry of listFolders(directory.absolute)) {
      const relative = `${folder}/${entry}/SKILL.md`;
      // Through the jail: a SKILL.md that links outside the repository, or a denied file, is not read.
      const resolved = await policy.resolveForRead(relative);
      if (!resolved.ok) {
        if (resolved.code !== 'not_found') log.warn('skill skipped', { file: relative, reason: resolved.message });
        continue;
      }
      const text = readSmallFile(resolved.absolute);
      if (text === undefined) log.warn('skill skipped', { file: relative, reason: `not a regular file of at most ${maxSkillBytes} bytes` });
      else files.push([relative, text]);
    }
  }
  return files;
}

function listFolders(folder: string): string[] {
  try {
    return fs
      .readdirSync(folder, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() || entry.isSymbolicLink())
      .map((entry) => entry.name)
      .sort();
  } catch {
    return [];
  }
}

function readSmallFile(file: string): string | undefined {
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile() || stat.size > maxSkillBytes) return undefined;
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
