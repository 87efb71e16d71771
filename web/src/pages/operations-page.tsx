import { api } from '../api/api-client.ts';
import type { OperationList } from '../../../src/server/api-types.ts';
import { useLiveResource } from '../live/use-live-resource.ts';
import { useQuery, useRouter } from '../routing/router.tsx';
import { Link } from '../routing/link.tsx';
import { useRoleAtLeast } from '../session/session-provider.tsx';
import { PageHeader } from '../components/page-header.tsx';
import { ErrorNotice } from '../components/error-notice.tsx';
import { Loading } from '../components/loading.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { OperationFilters, type OperationFilterValues } from '../components/operation-filters.tsx';
import { defaultSort, sortFromQuery, sortKey } from '../format/operation-sort.ts';
import { OperationTable } from '../components/operation-table.tsx';
import { useRepos } from '../components/use-repos.ts';

const pageSize = 50;

/** The query string of a list: filters and search as given, the sort as `sort` and `order` unless it is the default. */
function listParameters(values: OperationFilterValues): URLSearchParams {
  const parameters = new URLSearchParams();
  const { sort, ...filters } = values;
  for (const [key, value] of Object.entries(filters)) if (value.trim()) parameters.set(key, value.trim());
  if (sort !== sortKey(defaultSort)) {
    const [sortBy, order] = sort.split(':');
    parameters.set('sort', sortBy ?? defaultSort.sort);
    parameters.set('order', order ?? defaultSort.order);
  }
  return parameters;
}

/** Every operation, searched, filtered and sorted by the query string (so a link keeps them), updating live. */
export function OperationsPage() {
  const query = useQuery();
  const { navigate } = useRouter();
  const canStart = useRoleAtLeast('team-lead');
  const { repos } = useRepos();
  const sort = sortFromQuery(query);
  const filters: OperationFilterValues = {
    q: query.get('q') ?? '',
    sort: sortKey(sort),
    status: query.get('status') ?? '',
    type: query.get('type') ?? '',
    source: query.get('source') ?? '',
    repo: query.get('repo') ?? '',
  };
  const offset = Math.max(0, Number(query.get('offset') ?? 0) || 0);
  const parameters = listParameters(filters);
  parameters.set('limit', String(pageSize));
  parameters.set('offset', String(offset));
  const { data, error, loading, reload } = useLiveResource(
    () => api.get<OperationList>(`/api/operations?${parameters.toString()}`),
    parameters.toString(),
    (event) => event.operationId !== null,
  );
  const applyFilters = (values: OperationFilterValues) => {
    const next = listParameters(values);
    navigate(`/operations${next.size ? `?${next.toString()}` : ''}`, { replace: true });
  };
  const goTo = (nextOffset: number) => {
    const next = new URLSearchParams(query);
    if (nextOffset > 0) next.set('offset', String(nextOffset));
    else next.delete('offset');
    navigate(`/operations?${next.toString()}`);
  };
  const total = data?.total;
  const shown = data?.operations.length ?? 0;
  return (
    <section>
      <PageHeader title="Operations" subtitle={total !== undefined ? `${total} matching` : undefined}>
        {canStart ? (
          <Link to="/operations/new" className="button primary">
            New operation
          </Link>
        ) : null}
      </PageHeader>
      <OperationFilters values={filters} repos={repos} onChange={applyFilters} />
      <ErrorNotice error={error} title="The operations could not be loaded" onRetry={reload} />
      {loading && !data ? <Loading what="operations" /> : null}
      {data && shown === 0 ? <EmptyState>No operations match. {canStart ? <Link to="/operations/new">Start one.</Link> : null}</EmptyState> : null}
      {data && shown > 0 ? <OperationTable operations={data.operations} sortLabel={sort.label} sortedBy={sort} /> : null}
      {data && (offset > 0 || (total !== undefined ? offset + shown < total : shown === pageSize)) ? (
        <nav className="pager" aria-label="Pages">
          <button type="button" className="button" disabled={offset === 0} onClick={() => goTo(Math.max(0, offset - pageSize))}>
            Newer
          </button>
          <span className="muted">
            {offset + 1}–{offset + shown}
            {total !== undefined ? ` of ${total}` : ''}
          </span>
          <button
            type="button"
            className="button"
            disabled={total !== undefined ? offset + shown >= total : shown < pageSize}
            onClick={() => goTo(offset + pageSize)}
          >
            Older
          </button>
        </nav>
      ) : null}
    </section>
  );
}
