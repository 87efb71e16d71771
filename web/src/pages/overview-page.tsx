import { api } from '../api/api-client.ts';
import type { Overview } from '../../../src/server/api-types.ts';
import { useLiveResource } from '../live/use-live-resource.ts';
import { PageHeader } from '../components/page-header.tsx';
import { ErrorNotice } from '../components/error-notice.tsx';
import { Loading } from '../components/loading.tsx';
import { AgentStatusCard } from '../components/agent-status-card.tsx';
import { StatusCounts } from '../components/status-counts.tsx';
import { OverviewCharts } from '../components/overview-charts.tsx';
import { NeedsYouList, RunningOperations } from '../components/needs-you.tsx';
import { SetupChecklist } from '../components/setup/setup-checklist.tsx';
import { useRoleAtLeast } from '../session/session-provider.tsx';

/** What needs you and what runs first; then the agent, counts by status, and the last 30 days in charts. */
export function OverviewPage() {
  // Every recorded event can change a count or a day's figures; loads are coalesced.
  const { data, error, loading, reload } = useLiveResource(() => api.get<Overview>('/api/overview?days=30'), 'overview');
  // The first steps are an admin's to take (the settings they are judged from are admin-only too).
  const isAdmin = useRoleAtLeast('admin');
  return (
    <section>
      <PageHeader title="Overview" subtitle="What needs you, what runs, and how the last 30 days went." />
      {isAdmin ? <SetupChecklist /> : null}
      <ErrorNotice error={error} title="The overview could not be loaded" onRetry={reload} />
      {loading && !data ? <Loading what="the overview" /> : null}
      {data ? (
        <>
          <div className="overview-lead">
            <NeedsYouList entries={data.needsYou} />
            <RunningOperations operations={data.running} />
          </div>
          <div className="grid two">
            <AgentStatusCard agent={data.agent} />
            <StatusCounts counts={data.counts} />
          </div>
          <OverviewCharts daily={data.daily} />
        </>
      ) : null}
    </section>
  );
}
