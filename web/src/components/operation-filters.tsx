import { operationSources, operationStatuses, operationTypes, statusLabel } from '../format/status.ts';
import type { RepoView } from '../../../src/server/api-types.ts';

export interface OperationFilterValues {
  status: string;
  type: string;
  source: string;
  repo: string;
}

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

/** Status, type, source and repository; each change applies at once. */
export function OperationFilters({ values, repos, onChange }: OperationFiltersProps) {
  const set = (key: keyof OperationFilterValues) => (value: string) => onChange({ ...values, [key]: value });
  const active = Object.values(values).some(Boolean);
  return (
    <form className="filters" role="search" aria-label="Filter operations" onSubmit={(event) => event.preventDefault()}>
      <FilterSelect label="Status" name="status" value={values.status} options={operationStatuses} onChange={set('status')} format={statusLabel} />
      <FilterSelect label="Type" name="type" value={values.type} options={operationTypes} onChange={set('type')} />
      <FilterSelect label="Source" name="source" value={values.source} options={operationSources} onChange={set('source')} />
      <FilterSelect label="Repository" name="repo" value={values.repo} options={repos.map((repo) => repo.name)} onChange={set('repo')} />
      {active ? (
        <button type="button" className="button subtle" onClick={() => onChange({ status: '', type: '', source: '', repo: '' })}>
          Clear filters
        </button>
      ) : null}
    </form>
  );
}
