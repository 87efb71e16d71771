import { operationSources, operationStatuses, operationTypes, statusLabel } from '../format/status.ts';
import { defaultSort, operationSorts, sortKey } from '../format/operation-sort.ts';
import type { RepoView } from '../../../src/server/api-types.ts';
import { SearchInput } from './search-input.tsx';

/** Matches the server's limit on `q` (pipeline/operation-list-order.ts). */
const maxSearchLength = 200;

export interface OperationFilterValues {
  q: string;
  status: string;
  type: string;
  source: string;
  repo: string;
  /** `sort:order`, e.g. `duration:desc` (format/operation-sort.ts). */
  sort: string;
}

export const noFilters: OperationFilterValues = { q: '', status: '', type: '', source: '', repo: '', sort: sortKey(defaultSort) };

interface OperationFiltersProps {
  values: OperationFilterValues;
  repos: RepoView[];
  onChange(values: OperationFilterValues): void;
}

function FilterSelect({
  label,
  name,
  value,
  options,
  onChange,
  format = (option) => option,
}: {
  label: string;
  name: string;
  value: string;
  options: string[];
  onChange(value: string): void;
  format?: (option: string) => string;
}) {
  return (
    <label className="filter">
      {label}
      <select name={name} value={value} onChange={(event) => onChange(event.target.value)}>
        <option value="">any</option>
        {options.map((option) => (
          <option key={option} value={option}>
            {format(option)}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Search, status, type, source, repository and the sort; each change applies at once (the search once typing pauses). */
export function OperationFilters({ values, repos, onChange }: OperationFiltersProps) {
  const set = (key: keyof OperationFilterValues) => (value: string) => onChange({ ...values, [key]: value });
  const active = (['q', 'status', 'type', 'source', 'repo'] as const).some((key) => values[key] !== '');
  return (
    <form className="filters" role="search" aria-label="Search and filter operations" onSubmit={(event) => event.preventDefault()}>
      <SearchInput label="Search" value={values.q} maxLength={maxSearchLength} onSearch={set('q')} />
      <FilterSelect label="Status" name="status" value={values.status} options={operationStatuses} onChange={set('status')} format={statusLabel} />
      <FilterSelect label="Type" name="type" value={values.type} options={operationTypes} onChange={set('type')} />
      <FilterSelect label="Source" name="source" value={values.source} options={operationSources} onChange={set('source')} />
      <FilterSelect label="Repository" name="repo" value={values.repo} options={repos.map((repo) => repo.name)} onChange={set('repo')} />
      <label className="filter">
        Sort
        <select name="sort" value={values.sort} onChange={(event) => set('sort')(event.target.value)}>
          {operationSorts.map((option) => (
            <option key={sortKey(option)} value={sortKey(option)}>
              {option.label}
            </option>
          ))}
        </select>
      </label>
      {active ? (
        <button type="button" className="button subtle" onClick={() => onChange({ ...noFilters, sort: values.sort })}>
          Clear filters
        </button>
      ) : null}
    </form>
  );
}
