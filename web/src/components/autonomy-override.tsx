import { useId, useState } from 'react';
import { api } from '../api/api-client.ts';

export interface AutonomyRefusal {
  level: number;
  /** The policy rule and its reason, as the server gave them. */
  why: string;
}

/**
 * When the policy's autonomy gate refuses a level, an admin may still set it with a reason of
 * their own: the server records the override (rule, refusal, reason, who) in the audit log.
 */
export function AutonomyOverride({ refusal, onDone }: { refusal: AutonomyRefusal; onDone(message: string): void }) {
  const id = useId();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | undefined>();
  const override = async () => {
    setBusy(true);
    setProblem(undefined);
    try {
      await api.patch('/api/settings', { autonomyLevel: refusal.level, override: reason.trim() });
      onDone(`Autonomy level ${refusal.level} set by override; the override and its reason are in the audit log.`);
    } catch (caught) {
      setProblem(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="notice notice-bad" role="alert" data-testid="autonomy-override">
      <p>
        <strong>The policy refuses autonomy level {refusal.level}.</strong> {refusal.why}
      </p>
      <label htmlFor={id}>Override anyway: why (recorded in the audit log)</label>
      <textarea id={id} rows={2} value={reason} onChange={(event) => setReason(event.target.value)} />
      {problem ? <p role="status">{problem}</p> : null}
      <button type="button" className="button danger" disabled={busy || reason.trim() === ''} onClick={() => void override()}>
        Override: set level {refusal.level}
      </button>
    </div>
  );
}
