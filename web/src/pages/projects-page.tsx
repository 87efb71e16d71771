import { useState } from 'react';
import { api } from '../api/api-client.ts';
import type { ProjectList, ProjectView } from '../../../src/server/api-types.ts';
import { useLiveResource } from '../live/use-live-resource.ts';
import { useRoleAtLeast } from '../session/session-provider.tsx';
import { Link } from '../routing/link.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { ErrorNotice } from '../components/error-notice.tsx';
import { Loading } from '../components/loading.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { DetectionDisabled } from '../components/detection-disabled.tsx';
import { useRepos } from '../components/use-repos.ts';
import { ProjectForm } from '../components/setup/project-form.tsx';
import { ProjectCard } from '../components/setup/project-card.tsx';

/** Projects: a DSN per application whose errors Mender turns into issues and fixes; admins create them here. */
export function ProjectsPage() {
  const isAdmin = useRoleAtLeast('admin');
  const { repos } = useRepos();
  const { data, error, loading, reload } = useLiveResource(
    () => api.get<ProjectList>('/api/projects'),
    'projects',
    () => false,
  );
  const [created, setCreated] = useState<ProjectView | undefined>();
  const projects = data?.projects ?? [];
  // No detection on this server: there are no projects to make.
  if (error?.status === 404 && !data) {
    return (
      <section>
        <PageHeader title="Projects" />
        <DetectionDisabled />
      </section>
    );
  }
  return (
    <section>
      <PageHeader title="Projects" subtitle="Point an application’s Sentry SDK at a project’s DSN: its errors become issues Mender fixes." />
      {created ? (
        <p className="notice notice-good" role="status">
          <strong>{created.name}</strong> is created. Copy its DSN below into the application’s Sentry SDK; its errors will show on the{' '}
          <Link to="/issues">Issues</Link> page.
        </p>
      ) : null}
      {isAdmin ? (
        <ProjectForm
          repos={repos}
          onCreated={(project) => {
            setCreated(project);
            reload();
          }}
        />
      ) : null}
      <ErrorNotice error={error} title="The projects could not be loaded" onRetry={reload} />
      {loading && !data ? <Loading what="the projects" /> : null}
      {data && projects.length === 0 ? (
        <EmptyState>
          <p>No project exists yet.</p>
          <p className="muted">
            {isAdmin
              ? 'Create one above for each application: it gets a DSN to give the application’s Sentry SDK.'
              : 'An admin creates a project for each application; its DSN then shows here to copy into the application.'}
          </p>
        </EmptyState>
      ) : null}
      {projects.length > 0 ? (
        <section aria-labelledby="created-projects">
          <h2 id="created-projects">Projects ({projects.length})</h2>
          <ul className="setup-list">
            {projects.map((project) => (
              <ProjectCard key={project.id} project={project} />
            ))}
          </ul>
        </section>
      ) : null}
    </section>
  );
}
