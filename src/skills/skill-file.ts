import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** Where a skill comes from: Mender's own, a configured folder, or the target repository (untrusted). */
export type SkillOrigin = 'mender' | 'configured' | 'repository';

export interface Skill {
  name: string;
  description: string;
  /** The instructions: the file after its front matter. */
  body: string;
  origin: SkillOrigin;
  /** Where it was read from: an absolute path, or root-relative for repository skills. */
  file: string;
}

export type SkillParse = { ok: true; skill: Skill } | { ok: false; reason: string };

export const maxSkillBytes = 64 * 1024;

const frontMatterSchema = z.object({
  name: z
    .string({ error: 'name is required' })
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'name must be lowercase letters, digits and single hyphens')
    .max(64, 'name is longer than 64 characters'),
  description: z.string({ error: 'description is required' }).trim().min(1, 'description is empty').max(1024, 'description is longer than 1024 characters'),
});

const frontMatter = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/;

/** Parses a SKILL.md: YAML front matter with `name` and `description`, then the body. */
export function parseSkillFile(text: string, origin: SkillOrigin, file: string): SkillParse {
  if (Buffer.byteLength(text) > maxSkillBytes) return { ok: false, reason: `larger than ${maxSkillBytes} bytes` };
  const match = frontMatter.exec(text.replace(/^\uFEFF/, ''));
  if (!match) return { ok: false, reason: 'no YAML front matter: the file must start with ---, name: and description:, then ---' };
  let data: unknown;
  try {
    data = parseYaml(match[1]!, { maxAliasCount: 10 });
  } catch (error) {
    return { ok: false, reason: `front matter is not valid YAML: ${(error as Error).message.split('\n')[0]}` };
  }
  const parsed = frontMatterSchema.safeParse(data ?? {});
  if (!parsed.success) return { ok: false, reason: parsed.error.issues.map((issue) => issue.message).join('; ') };
  const body = match[2]!.trim();
  if (!body) return { ok: false, reason: 'the body (the instructions after the front matter) is empty' };
  return { ok: true, skill: { name: parsed.data.name, description: parsed.data.description.replace(/\s+/g, ' '), body, origin, file } };
}
