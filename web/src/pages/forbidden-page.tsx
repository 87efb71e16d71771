import { PageHeader } from '../components/page-header.tsx';
import { useSession } from '../session/session-provider.tsx';

export function ForbiddenPage({ what }: { what: string }) {
  const { user } = useSession();
  return (
    <section>
      <PageHeader title="Admins only" />
      <p>
        {what} is for admins; you are signed in as {user?.name} ({user?.role}). Ask an admin if you need a change there.
      </p>
    </section>
  );
}
