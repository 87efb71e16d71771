import { Link } from '../../routing/link.tsx';
import { useSetupProgress } from './use-setup-progress.ts';

/** The Overview's first-steps list for admins: each step ticked from real data, gone once all are done. */
export function SetupChecklist() {
  const { data } = useSetupProgress();
  // Loading or failed: the rest of the Overview says enough; a checklist that guesses would mislead.
  if (!data || data.every((step) => step.done)) return null;
  const left = data.filter((step) => !step.done).length;
  return (
    <section className="card setup-checklist" aria-labelledby="setup-checklist-heading" data-testid="setup-checklist">
      <h2 id="setup-checklist-heading">Set up Mender</h2>
      <p className="muted small">
        {left} of {data.length} steps left before Mender can fix errors on its own.
      </p>
      <ol className="plain-list">
        {data.map((step) => (
          <li key={step.key} data-step={step.key} data-done={step.done}>
            <span className={step.done ? 'step-mark done' : 'step-mark'} aria-hidden="true">
              {step.done ? '✓' : ''}
            </span>
            <span className="visually-hidden">{step.done ? 'Done: ' : 'To do: '}</span>
            <Link to={step.to}>{step.label}</Link>
          </li>
        ))}
      </ol>
    </section>
  );
}
