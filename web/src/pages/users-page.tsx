import { useState } from 'react';
import { api } from '../api/api-client.ts';
import { useLiveResource } from '../live/use-live-resource.ts';
import { useRoleAtLeast, useSession } from '../session/session-provider.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { ErrorNotice } from '../components/error-notice.tsx';
import { Loading } from '../components/loading.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { CopyButton } from '../components/copy-button.tsx';
import { UserForm, type CreatedUser } from '../components/setup/user-form.tsx';
import { UserRow, type UserView } from '../components/setup/user-row.tsx';

/** Who may sign in and what each may do; admins add people and change roles, nobody else sees this. */
export function UsersPage() {
  const isAdmin = useRoleAtLeast('admin');
  const { user: you } = useSession();
  if (!isAdmin) {
    return (
      <section>
        <PageHeader title="Users" />
        <EmptyState>
          <p>Only admins add users and change roles.</p>
          <p className="muted">
            You are signed in as {you?.name} ({you?.role}). Ask an admin if you need another role.
          </p>
        </EmptyState>
      </section>
    );
  }
  return <UserAdministration yourName={you?.name} />;
}

function UserAdministration({ yourName }: { yourName: string | undefined }) {
  const { data, error, loading, reload } = useLiveResource(
    () => api.get<{ users: UserView[] }>('/api/users'),
    'users',
    () => false,
  );
  const [created, setCreated] = useState<CreatedUser | undefined>();
  const [changed, setChanged] = useState<string | undefined>();
  const users = data?.users ?? [];
  const others = users.filter((user) => user.name !== yourName && user.signsIn);
  return (
    <section>
      <PageHeader title="Users" subtitle="People who sign in to Mender, and the role that says what each may do." />
      {created ? (
        <div className="notice notice-good" role="status">
          <p>
            <strong>{created.name}</strong> is added as {created.role === 'admin' ? 'an' : 'a'} {created.role}: they sign in with the password you gave.
          </p>
          <p className="small">
            Their API token for the command line and scripts, shown this once: <code data-testid="created-token">{created.token}</code>{' '}
            <CopyButton text={created.token} what="token" />
          </p>
        </div>
      ) : null}
      {changed ? (
        <p className="notice notice-good" role="status">
          {changed}
        </p>
      ) : null}
      <UserForm
        onCreated={(user) => {
          setCreated(user);
          setChanged(undefined);
          reload();
        }}
      />
      <ErrorNotice error={error} title="The users could not be loaded" onRetry={reload} />
      {loading && !data ? <Loading what="the users" /> : null}
      {data && others.length === 0 ? (
        <EmptyState>
          <p>Nobody else can sign in yet.</p>
          <p className="muted">Add a team lead to start operations and approve changes, or a viewer to follow along.</p>
        </EmptyState>
      ) : null}
      {users.length > 0 ? (
        <section aria-labelledby="user-list-heading">
          <h2 id="user-list-heading">Users ({users.length})</h2>
          <div className="table-scroll">
            <table className="responsive-table" data-testid="user-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Role</th>
                  <th scope="col">Added</th>
                </tr>
              </thead>
              <tbody>
                {users.map((user) => (
                  <UserRow
                    key={`${user.name}-${user.role}`}
                    user={user}
                    isYou={user.name === yourName}
                    onChanged={(message) => {
                      setChanged(message);
                      setCreated(undefined);
                      reload();
                    }}
                  />
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
    </section>
  );
}
