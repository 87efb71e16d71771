import type { ErrorContext } from '../../agent/task-context.ts';
import { operationStatuses } from '../../domain/operation-vocabulary.ts';

/** What a slash command asks for, parsed from `/command text` before anything is stored. */
export type SlackCommand =
  | { kind: 'start'; type: 'debug' | 'fix' | 'implement'; description: string; errorContext?: ErrorContext; repo?: string }
  | { kind: 'deploy'; environment: string; repo?: string }
  | { kind: 'decide'; decision: 'approve' | 'reject' | 'retry'; operationId: string; comment?: string }
  | { kind: 'status'; operationId: string }
  | { kind: 'list'; status?: string }
  | { kind: 'pause'; reason?: string }
  | { kind: 'resume' }
  | { kind: 'help' }
  | { kind: 'usage'; message: string };

export const slashCommands = ['/debug', '/implement', '/fix', '/deploy', '/agent'] as const;

export const agentHelp = [
  '*Mender in Slack*',
  '`/debug <error or stack trace>`: find the cause and propose a fix with a code preview',
  '`/fix <description>`: fix a bug, test first',
  '`/implement <feature>`: plan a feature; the plan waits for approval before any code is written',
  '`/deploy <environment> [repo]`: deploy the default branch of a repository with deploy settings (the deploy gate decides who approves)',
  '`/agent status <id>` · `/agent list [status]` · `/agent approve <id> [comment]` · `/agent reject <id> [reason]` · `/agent retry <id>`',
  '`/agent run <description>`: start a fix · `/agent pause [reason]` · `/agent resume` · `/agent help`',
  'Start any task with `repo:<name>` to pick the repository; otherwise the default (MENDER_SLACK_DEFAULT_REPO) or the only registered one is used.',
  'Buttons and decisions act as the Mender user your Slack account is linked to (`mender user link <name> --slack <your Slack id>`).',
].join('\n');

const operationId = /^[a-z0-9]{4,40}$/;

/** Splits a leading `repo:<name>` off the text. */
export function takeRepoPrefix(text: string): { repo?: string; rest: string } {
  const match = /^repo:([A-Za-z0-9._-]{1,64})(?:\s+|$)/.exec(text.trim());
  if (!match) return { rest: text.trim() };
  return { repo: match[1], rest: text.trim().slice(match[0].length).trim() };
}

/** An error pasted into /debug: the first line is the message, the rest (frames) the stack. */
export function errorContextFrom(text: string): ErrorContext {
  const lines = text.split(/\r?\n/);
  const message = lines[0]!.trim();
  const stack = lines.slice(1).join('\n').trim();
  return stack ? { message, stack } : { message };
}

export function parseSlashCommand(command: string, text: string): SlackCommand {
  const trimmed = text.trim();
  switch (command) {
    case '/debug':
    case '/fix':
    case '/implement': {
      const type = command.slice(1) as 'debug' | 'fix' | 'implement';
      const { repo, rest } = takeRepoPrefix(trimmed);
      if (!rest) return { kind: 'usage', message: usageOf(type) };
      return { kind: 'start', type, description: rest, repo, errorContext: type === 'debug' ? errorContextFrom(rest) : undefined };
    }
    case '/deploy': {
      const [environment, repo, ...extra] = trimmed.split(/\s+/).filter(Boolean);
      if (!environment || extra.length) return { kind: 'usage', message: 'Usage: `/deploy <environment> [repo]`, e.g. `/deploy staging shop`' };
      return { kind: 'deploy', environment, repo: repo?.replace(/^repo:/, '') };
    }
    case '/agent':
      return parseAgentCommand(trimmed);
    default:
      return { kind: 'usage', message: `Mender does not know ${command}. ${agentHelp}` };
  }
}

function parseAgentCommand(text: string): SlackCommand {
  const [word = '', ...restWords] = text.split(/\s+/).filter(Boolean);
  const rest = text.slice(text.indexOf(word) + word.length).trim();
  const idAndComment = (decision: 'approve' | 'reject' | 'retry' | 'status'): SlackCommand => {
    const [id = '', ...comment] = restWords;
    if (!operationId.test(id))
      return {
        kind: 'usage',
        message: `Usage: \`/agent ${decision} <operation id>${decision === 'approve' || decision === 'reject' ? ' [comment]' : ''}\` (ids are shown in every Mender message)`,
      };
    if (decision === 'status') return { kind: 'status', operationId: id };
    return { kind: 'decide', decision, operationId: id, comment: comment.join(' ') || undefined };
  };
  switch (word.toLowerCase()) {
    case '':
    case 'help':
      return { kind: 'help' };
    case 'status':
    case 'approve':
    case 'reject':
    case 'retry':
      return idAndComment(word.toLowerCase() as 'approve' | 'reject' | 'retry' | 'status');
    case 'list': {
      const status = restWords[0];
      if (status && !(operationStatuses as readonly string[]).includes(status))
        return { kind: 'usage', message: `Unknown status "${status}": use one of ${operationStatuses.join(', ')}` };
      return { kind: 'list', status };
    }
    case 'run': {
      const { repo, rest: description } = takeRepoPrefix(rest);
      if (!description) return { kind: 'usage', message: 'Usage: `/agent run [repo:<name>] <description>` starts a fix' };
      return { kind: 'start', type: 'fix', description, repo };
    }
    case 'pause':
      return { kind: 'pause', reason: rest || undefined };
    case 'resume':
      return { kind: 'resume' };
    default:
      return { kind: 'usage', message: `Unknown \`/agent ${word}\`.\n${agentHelp}` };
  }
}

function usageOf(type: 'debug' | 'fix' | 'implement'): string {
  if (type === 'debug') return 'Usage: `/debug [repo:<name>] <error message or stack trace>`';
  if (type === 'fix') return 'Usage: `/fix [repo:<name>] <what is broken>`';
  return 'Usage: `/implement [repo:<name>] <the feature>`';
}

/** The immediate (ephemeral) answer to a command, sent in the HTTP response within Slack's 3 seconds. */
export function acknowledgement(command: SlackCommand): string {
  switch (command.kind) {
    case 'start':
      return `Got it: starting a ${command.type}${command.repo ? ` on ${command.repo}` : ''}. Mender posts the progress in this channel.`;
    case 'deploy':
      return `Got it: deploying${command.repo ? ` ${command.repo}` : ''} to ${command.environment}. Mender posts the deployment in this channel.`;
    case 'decide':
      return `Got it: ${command.decision} ${command.operationId}…`;
    case 'status':
      return `Looking up ${command.operationId}…`;
    case 'list':
      return 'Listing operations…';
    case 'pause':
      return 'Pausing the agent…';
    case 'resume':
      return 'Resuming the agent…';
    case 'help':
      return agentHelp;
    case 'usage':
      return command.message;
  }
}

/** Commands that only answer (help, usage): nothing to store or process. */
export function answersAtOnce(command: SlackCommand): boolean {
  return command.kind === 'help' || command.kind === 'usage';
}
