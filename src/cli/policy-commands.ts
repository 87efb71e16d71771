import type { Command } from 'commander';
import { loadPolicy } from '../policy/load-policy.ts';
import { PolicyError } from '../policy/parse-policy.ts';
import type { PolicyExplanation, PolicyView } from '../server/api-types.ts';
import type { ApiClient } from './api-client.ts';

/** `mender policy show|check|explain`: the policy in force (through the API), a file checked locally, and why a gate was decided. */
export function registerPolicyCommands(program: Command, client: () => ApiClient): void {
  const policy = program.command('policy').description('the rules that decide every gate (docs/policy.md)');

  policy
    .command('show')
    .description('the policy in force: its source and hash, and the rules in the order they are tried')
    .option('--json', 'machine-readable output')
    .action(async (options: { json?: boolean }) => {
      const view = await client().request<PolicyView>('GET', '/api/policy');
      process.stdout.write(options.json ? `${JSON.stringify(view, null, 2)}\n` : `${formatPolicy(view)}\n`);
    });

  policy
    .command('check <file>')
    .description('read a policy file as start-up would, without a server: FILE:LINE: problem and exit 1 on an error')
    .action((file: string) => {
      try {
        const checked = loadPolicy(file);
        process.stdout.write(`${file}: ${checked.rules.length} rules, hash ${checked.hash}\n`);
      } catch (error) {
        if (!(error instanceof PolicyError)) throw error;
        process.stderr.write(`${error.message}\n`);
        process.exitCode = 1;
      }
    });

  policy
    .command('explain <operation-id>')
    .description('which rule decided an operation’s gate and why; for a waiting gate, what would decide it now')
    .option('--gate <gate>', 'the gate: plan, change, … (default: the latest gate decided)')
    .option('--json', 'machine-readable output')
    .action(async (operationId: string, options: { gate?: string; json?: boolean }) => {
      const explanation = await client().request<PolicyExplanation>('POST', '/api/policy/explain', { operationId, gate: options.gate });
      process.stdout.write(options.json ? `${JSON.stringify(explanation, null, 2)}\n` : `${formatExplanation(explanation)}\n`);
    });
}

function formatPolicy(view: PolicyView): string {
  const hours = view.businessHours;
  const lines = [
    `policy ${view.source}, hash ${view.hash}`,
    `time zone ${view.timeZone}; business hours ${hours.start}–${hours.end} ${hours.days.join(' ')}`,
    'rules in file order (deny rules are tried first, then the others in this order; the first that matches decides):',
  ];
  view.rules.forEach((rule, index) => {
    const decision = rule.decision === 'ask' ? `ask ${rule.level}` : rule.decision;
    lines.push(`${String(index + 1).padStart(3)}. ${rule.id}  ${decision}  (line ${rule.line})${rule.recheck ? `  recheck ${rule.recheck}` : ''}`);
    lines.push(`     reason: ${rule.reason}`);
    lines.push(`     when:   ${rule.when.map((condition) => condition.text).join('; ')}`);
  });
  return lines.join('\n');
}

function formatExplanation(explanation: PolicyExplanation): string {
  const lines = [`operation ${explanation.operationId} (${explanation.status}), ${explanation.gate} gate`, explanation.message];
  const { recorded, now } = explanation;
  if (recorded)
    lines.push(
      `recorded: rule ${recorded.rule}, ${recorded.outcome} (${recorded.level}) at ${recorded.event.at} under policy ${recorded.policyHash.slice(0, 12)}`,
    );
  if (now)
    lines.push(`now:      rule ${now.rule}, ${now.outcome} (${now.level}) under policy ${now.policyHash.slice(0, 12)}${now.policyChanged ? ' (changed)' : ''}`);
  return lines.join('\n');
}
