import path from 'node:path';
import type { Settings } from '../config/settings-schema.ts';
import type { Logger } from '../logging/logger.ts';
import type { PathPolicy } from '../safety/path-policy.ts';
import { loadSkills, shippedSkillsFolder } from '../skills/skill-catalog.ts';
import { createLoadSkillTool, describeSkills } from '../skills/skills-tool.ts';
import type { Tool } from '../tools/tool.ts';
import type { ExternalTools } from './external-tools.ts';
import type { TimelineWriter } from './tool-call-approvals.ts';

export interface AgentExtensionsOptions {
  role: 'planner' | 'coder';
  operationId: string;
  settings: Settings;
  /** The jail of the turn's worktree: repository skills are read through it. */
  policy: PathPolicy;
  /** The registered checkout: its `.mcp.json` is honoured only when trusted by setting. */
  repoPath: string;
  /** Names of the tools the turn already has. */
  reservedNames: string[];
  externalTools?: ExternalTools;
  timeline: TimelineWriter;
  log: Logger;
}

export interface AgentExtensions {
  tools: Tool[];
  /** Names and descriptions of the skills, for the prompt; undefined when there are none. */
  skillsSection: string | undefined;
}

/** What a planner or coder turn gets besides Mender's own tools: skills, and external MCP servers' tools. */
export async function agentExtensions(options: AgentExtensionsOptions): Promise<AgentExtensions> {
  const skills = await loadSkills({
    folders: [
      { folder: shippedSkillsFolder, origin: 'mender' },
      ...options.settings.skillsDirs.map((folder) => ({ folder: path.resolve(folder), origin: 'configured' as const })),
    ],
    repository: options.policy,
    log: options.log,
  });
  const tools: Tool[] = skills.length ? [createLoadSkillTool(skills)] : [];
  if (options.externalTools) {
    const external = await options.externalTools.toolsFor(options.role, options.repoPath, [...options.reservedNames, ...tools.map((tool) => tool.name)]);
    for (const problem of external.problems) {
      options.log.warn('external MCP tools unavailable', { operationId: options.operationId, problem });
      await options.timeline.event(options.operationId, 'mender', { type: 'mcp.server_unavailable', data: { role: options.role, problem } });
    }
    tools.push(...external.tools);
  }
  return { tools, skillsSection: describeSkills(skills) };
}
