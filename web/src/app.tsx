import { useEffect, type ReactNode } from 'react';
import { matchRoute } from './routing/match-route.ts';
import { useRouter } from './routing/router.tsx';
import { useRoleAtLeast, useSession } from './session/session-provider.tsx';
import { LiveEventsProvider } from './live/live-events-provider.tsx';
import { AppLayout } from './components/app-layout.tsx';
import { SignInPage } from './pages/sign-in-page.tsx';
import { SetupPage } from './pages/setup-page.tsx';
import { OverviewPage } from './pages/overview-page.tsx';
import { OperationsPage } from './pages/operations-page.tsx';
import { NewOperationPage } from './pages/new-operation-page.tsx';
import { OperationDetailPage } from './pages/operation-detail-page.tsx';
import { ApprovalsPage } from './pages/approvals-page.tsx';
import { SettingsPage } from './pages/settings-page.tsx';
import { AuditPage } from './pages/audit-page.tsx';
import { IssuesPage } from './pages/issues-page.tsx';
import { IssueDetailPage } from './pages/issue-detail-page.tsx';
import { DeploymentsPage } from './pages/deployments-page.tsx';
import { DeploymentDetailPage } from './pages/deployment-detail-page.tsx';
import { SelfUpdatesPage } from './pages/self-updates-page.tsx';
import { RepositoriesPage } from './pages/repositories-page.tsx';
import { ProjectsPage } from './pages/projects-page.tsx';
import { UsersPage } from './pages/users-page.tsx';
import { NotFoundPage } from './pages/not-found-page.tsx';
import { ForbiddenPage } from './pages/forbidden-page.tsx';

function AdminOnly({ children, what }: { children: ReactNode; what: string }) {
  return useRoleAtLeast('admin') ? <>{children}</> : <ForbiddenPage what={what} />;
}

function RedirectHome() {
  const { navigate } = useRouter();
  useEffect(() => navigate('/', { replace: true }), [navigate]);
  return null;
}

function SignedInRoutes() {
  const { path } = useRouter();
  if (path === '/') return <OverviewPage />;
  if (path === '/setup') return <RedirectHome />;
  if (path === '/operations') return <OperationsPage />;
  if (path === '/operations/new') return <NewOperationPage />;
  const operation = matchRoute('/operations/:id', path);
  if (operation) return <OperationDetailPage id={operation.id!} />;
  if (path === '/approvals') return <ApprovalsPage />;
  if (path === '/issues') return <IssuesPage />;
  const issue = matchRoute('/issues/:id', path);
  if (issue) return <IssueDetailPage id={issue.id!} />;
  if (path === '/deployments') return <DeploymentsPage />;
  const deployment = matchRoute('/deployments/:id', path);
  if (deployment) return <DeploymentDetailPage id={deployment.id!} />;
  if (path === '/self-updates') return <SelfUpdatesPage />;
  if (path === '/repositories') return <RepositoriesPage />;
  if (path === '/projects') return <ProjectsPage />;
  if (path === '/users') return <UsersPage />;
  if (path === '/settings')
    return (
      <AdminOnly what="Settings">
        <SettingsPage />
      </AdminOnly>
    );
  if (path === '/audit')
    return (
      <AdminOnly what="The audit log">
        <AuditPage />
      </AdminOnly>
    );
  return <NotFoundPage />;
}

/** Sign-in or setup when nobody is signed in; the dashboard otherwise. */
export function App() {
  const { state } = useSession();
  const { path } = useRouter();
  if (path === '/setup' && state.status !== 'signed-in') return <SetupPage />;
  if (state.status === 'loading') {
    return (
      <main className="auth-page" id="main">
        <p className="muted" role="status">
          Loading…
        </p>
      </main>
    );
  }
  if (state.status === 'signed-out') return <SignInPage notice={state.notice} />;
  return (
    <LiveEventsProvider>
      <AppLayout>
        <SignedInRoutes />
      </AppLayout>
    </LiveEventsProvider>
  );
}
