import type { RunSummary } from '../../../../src/server/api-types.ts';
import { duration } from '../../format/time.ts';

/** A run's command, totals and time on one line. */
export function RunLine({ run }: { run: RunSummary | undefined }) {
  if (!run) return <span className="muted">not run</span>;
  return (
    <span>
      <code>{run.command}</code> · <span className="count-pass">{run.passed} passed</span> ·{' '}
      <span className={run.failed ? 'count-fail' : ''}>{run.failed} failed</span> · {duration(run.durationMs)}
    </span>
  );
}
