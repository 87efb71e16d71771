import { PageHeader } from '../components/page-header.tsx';
import { Link } from '../routing/link.tsx';

export function NotFoundPage() {
  return (
    <section>
      <PageHeader title="Not found" />
      <p>
        There is no page here. Go to the <Link to="/">overview</Link> or the <Link to="/operations">operations</Link>.
      </p>
    </section>
  );
}
