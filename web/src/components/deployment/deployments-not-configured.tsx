import { EmptyState } from '../empty-state.tsx';

/** What the page says while this Mender has no deployments API (or nothing deploys). */
export function DeploymentsNotConfigured() {
  return (
    <EmptyState>
      <p>
        <strong>Deployments are not configured yet.</strong>
      </p>
      <p className="muted">
        Once a repository has deploy settings, each deployment of a merged change (staging, the canary watch, promote or roll back) and its verdicts show here.
        Merged changes are listed under Operations meanwhile.
      </p>
    </EmptyState>
  );
}
