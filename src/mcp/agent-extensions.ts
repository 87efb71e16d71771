import path from 'node:path';
import type { Settings } from '../config/settings-schema.ts';
import type { Logger } from '../logging/logger.ts';
import type { AgentExtensions, AgentExtensionsRequest, AgentExtensionsSource } from '../pipeline/agent-extensions-port.ts';
import { loadSkills, shippedSkillsFolder } from '../skills/skill-catalog.ts';
import { createLoadSkillTool, describeSkills } from '../skills/skills-tool.ts';
import type { Tool } from '../tools/tool.ts';
import type { ExternalTools } from './external-tools.ts';
import type { TimelineWriter } from './tool-call-approvals.ts';

/** What stays the same for every turn: chosen once at start-up. */
export interface AgentExtensionsServices {
  settings: Settings;
  externalTools?: ExternalTools;
  timeline: TimelineWriter;
  log: Logger;
}

export type AgentExtensionsOptions = AgentExtensionsRequest & AgentExtensionsServices;

/** The pipeline's AgentExtensionsSource port, implemented here and wired in the composition root. */
export function createAgentExtensionsSource(services: AgentExtensionsServices): AgentExtensionsSource {
  return (request) => agentExtensions({ ...request, ...services });
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
