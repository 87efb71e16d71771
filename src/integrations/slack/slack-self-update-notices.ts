import type { RecordedEvent } from '../../store/event-hub.ts';
import { cut, escapeMrkdwn } from './slack-blocks.ts';

// The team channel's notices about Mender's own versions (self-maintenance): each step a person
// may want to know of, and the ones they must act on.

/** The notice a self-update event deserves, or undefined (the steps between: chatter). */
export function selfUpdateNotice(event: RecordedEvent): string | undefined {
  const data = event.data;
  const update = `\`${String(data.update ?? '?')}\``;
  const operation = event.operationId ? ` (operation \`${event.operationId}\`)` : '';
  const reason = escapeMrkdwn(cut(String(data.reason ?? 'no reason recorded'), 300));
  switch (event.type) {
    case 'self_update.switched':
      return `🔁 Mender switched to a new version of itself${operation}, on probation now; requests waited at most ${String(data.handoverMs ?? '?')} ms (update ${update})`;
    case 'self_update.blessed':
      return `✅ Mender's new version passed its probation and stays${operation} (update ${update})`;
    case 'self_update.reverted':
      return `↩️ Mender went back to its previous version${operation}: ${reason} — cause ${String(data.cause ?? 'unknown')}${data.restoredBackup ? ', database restored from the backup' : ''}. A revert of the change waits for a person (\`mender self status\`)`;
    case 'self_update.failed':
      return `❌ Mender's new version did not start${operation}: ${reason}. The running version kept serving`;
    default:
      return undefined;
  }
}
