/**
 * A ready-made script for the planner → coder → reviewer pipeline: each role gets its own replies,
 * and a role's array is indexed by how many assistant turns its conversation already has, so every
 * new conversation starts that role's array again from the top.
 */
import { countAssistantTurns } from './conversation-inspection.ts';
import type { AgentRole, ScriptedReply, ScriptHandler } from './scripted-model-types.ts';

export type RoleScripts = Partial<Record<AgentRole, ScriptedReply[] | ScriptHandler>>;

/** What a role says once its replies run out, or when no script covers the request's role. */
const finishedReply: ScriptedReply = { text: 'done' };

export function roleScript(scripts: RoleScripts): ScriptHandler {
  return (request, context) => {
    const script = request.role === undefined ? undefined : scripts[request.role];
    if (script === undefined) return finishedReply;
    if (typeof script === 'function') return script(request, context);
    return script[countAssistantTurns(request.body)] ?? finishedReply;
  };
}
