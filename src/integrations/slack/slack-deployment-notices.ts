import type { RecordedEvent } from '../../store/event-hub.ts';
import { cut, escapeMrkdwn } from './slack-blocks.ts';

// The team channel's notices about deployments: the ones a person should see or act on.

interface Samples {
  newRequests?: number;
  stableRequests?: number;
  newErrors?: number;
  stableErrors?: number;
}

function samplesText(samples: unknown): string {
  if (!samples || typeof samples !== 'object') return 'no samples recorded';
  const { newRequests = 0, newErrors = 0, stableRequests = 0, stableErrors = 0 } = samples as Samples;
  return `new release ${newRequests} requests, ${newErrors} errors; stable ${stableRequests} requests, ${stableErrors} errors`;
}

/** The notice a deployment event deserves, or undefined (traffic shifts, judged intervals: chatter). */
export function deploymentNotice(event: RecordedEvent, publicUrl: string | undefined): string | undefined {
  const data = event.data;
  const id = String(data.deploymentId ?? '?');
  const what = `${typeof data.repo === 'string' ? `${escapeMrkdwn(data.repo)} ` : ''}\`${String(data.commit ?? '').slice(0, 12)}\` in ${escapeMrkdwn(String(data.environment ?? '?'))} (deployment \`${id}\`)`;
  const reason = escapeMrkdwn(cut(String(data.reason ?? 'no reason recorded'), 300));
  const chart = publicUrl ? ` · <${publicUrl.replace(/\/$/, '')}/deployments/${id}|charts>` : '';
  switch (event.type) {
    case 'deployment.rolled_back':
      return `↩️ Rolled back ${what}: ${reason} — rule ${String(data.rule ?? 'unknown')}; ${samplesText(data.samples)}. All traffic is on the stable release${chart}`;
    case 'deployment.inconclusive':
      return `❔ Inconclusive ${what}: ${reason} (rule ${String(data.rule ?? 'unknown')}; ${samplesText(data.samples)}). A person decides: promote (\`mender deployment promote ${id}\`), extend the watch (\`mender deployment resume ${id}\`) or roll back (\`mender deployment rollback ${id}\`)${chart}`;
    case 'deployment.approval_requested':
      return `🙋 Deployment of ${what} waits for a ${String(data.level ?? 'team-lead')}: ${reason} — \`mender deployment approve ${id}\`${chart}`;
    case 'deployment.promoted':
      return `✅ Promoted ${what}: ${reason}${chart}`;
    case 'deployment.failed':
      return `❌ Deployment failed ${what}${data.phase ? ` in the ${String(data.phase)} phase` : ''}: ${reason}${chart}`;
    default:
      return undefined;
  }
}
