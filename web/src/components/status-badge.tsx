import { statusLabel, statusTone } from '../format/status.ts';

export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`badge tone-${statusTone(status)}`} data-status={status}>
      {statusLabel(status)}
    </span>
  );
}
