import { z } from 'zod';
import { define, booleanText, positiveInteger, stringList } from '../setting-definition.ts';

/** Dashboard sessions, MCP servers and skills. */
export const dashboardSettings = {
  // — dashboard —
  sessionTtlMinutes: define({
    key: 'sessionTtlMinutes',
    env: ['MENDER_SESSION_TTL_MINUTES'],
    schema: positiveInteger,
    default: 720,
    description: 'How long a dashboard sign-in lasts, in minutes; after it the browser must sign in again.',
  }),
  // — MCP and skills —
  mcpConfig: define({
    key: 'mcpConfig',
    env: ['MENDER_MCP_CONFIG'],
    schema: z.string().min(1).optional(),
    default: undefined,
    description:
      'External MCP servers for the agent, as a `.mcp.json` in the Claude Code format ({"mcpServers": {"name": {"command","args","env"} | {"url","headers"}}}). Default: `.mcp.json` in the working folder, when present. `${NAME}` in it reads Mender\'s environment.',
  }),
  mcpTrustRepoConfig: define({
    key: 'mcpTrustRepoConfig',
    env: ['MENDER_MCP_TRUST_REPO_CONFIG'],
    schema: booleanText,
    default: false,
    description:
      "Also start the MCP servers a target repository's own `.mcp.json` lists. Off by default: it lets repository content run programs on Mender's machine.",
  }),
  mcpAllowTools: define({
    key: 'mcpAllowTools',
    env: ['MENDER_MCP_ALLOW_TOOLS'],
    schema: stringList.default([]),
    default: [],
    description:
      'External MCP tools (`<server>__<tool>` globs, comma-separated) that run without approval and are offered to the planner, besides those marked read-only.',
  }),
  mcpDenyTools: define({
    key: 'mcpDenyTools',
    env: ['MENDER_MCP_DENY_TOOLS'],
    schema: stringList.default([]),
    default: [],
    description:
      "External MCP tools (`<server>__<tool>` globs, comma-separated) never offered to the agent. Other tools that may change things wait for a team lead's approval.",
  }),
  mcpApprovalTimeoutSeconds: define({
    key: 'mcpApprovalTimeoutSeconds',
    env: ['MENDER_MCP_APPROVAL_TIMEOUT_SECONDS'],
    schema: positiveInteger,
    default: 900,
    description: 'How long an external MCP tool call waits for approval before the model gets an error result.',
  }),
  mcpCallTimeoutSeconds: define({
    key: 'mcpCallTimeoutSeconds',
    env: ['MENDER_MCP_CALL_TIMEOUT_SECONDS'],
    schema: positiveInteger,
    default: 120,
    description: 'Timeout for one call of an external MCP tool.',
  }),
  skillsDirs: define({
    key: 'skillsDirs',
    env: ['MENDER_SKILLS_DIRS'],
    schema: stringList.default([]),
    default: [],
    description:
      "Extra folders of skills (`<name>/SKILL.md`), comma-separated, besides Mender's own `skills/` and the target repository's `.mender/skills/` and `.claude/skills/`.",
  }),
} as const;
