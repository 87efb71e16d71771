import { api } from '../api/api-client.ts';
import type { AgentStatus, TimelineEvent } from '../../../src/server/api-types.ts';
import { awaitingStatuses, terminalStatuses } from '../format/status.ts';
import { useLiveResource } from './use-live-resource.ts';

const isAgentEvent = (event: TimelineEvent) => event.type === 'agent.paused' || event.type === 'agent.resumed' || event.type.startsWith('settings.');

/** The agent's status (the kill switch, the sandbox), followed live. */
export function useAgentStatus(): AgentStatus | undefined {
  return useLiveResource(() => api.get<AgentStatus>('/api/agent'), 'agent', isAgentEvent).data;
}

/**
 * Whether an operation in `status` is held by the kill switch: it would be running a step, but
 * no step starts (and a running one stops) while Mender is paused. One waiting for a person or
 * ended is not held.
 */
export function isHeld(status: string, agent: AgentStatus | undefined): boolean {
  return !!agent?.paused && !terminalStatuses.has(status) && !awaitingStatuses.has(status);
}
