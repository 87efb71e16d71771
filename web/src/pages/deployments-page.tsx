import { PageHeader } from '../components/page-header.tsx';
import { EmptyState } from '../components/empty-state.tsx';

/** Its place in the navigation, until deployments land. */
export function DeploymentsPage() {
  return (
    <section>
      <PageHeader title="Deployments" />
      <EmptyState>
        <p>
          <strong>Deployments are not configured yet.</strong>
        </p>
        <p className="muted">
          Once Mender deploys merged changes (staging, health watch, promote or roll back), each deployment and its health verdict will show here. Merged
          changes are listed under Operations meanwhile.
        </p>
      </EmptyState>
    </section>
  );
}
