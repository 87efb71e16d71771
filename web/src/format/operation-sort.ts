/** The list's sorts as the select offers them; `sort` and `order` are the API's (and the URL's) parameters. */
export interface OperationSort {
  sort: 'age' | 'duration' | 'risk' | 'status';
  order: 'asc' | 'desc';
  label: string;
}

export const operationSorts: OperationSort[] = [
  { sort: 'age', order: 'asc', label: 'Newest first' },
  { sort: 'age', order: 'desc', label: 'Oldest first' },
  { sort: 'duration', order: 'desc', label: 'Longest first' },
  { sort: 'duration', order: 'asc', label: 'Shortest first' },
  { sort: 'risk', order: 'desc', label: 'Highest risk first' },
  { sort: 'risk', order: 'asc', label: 'Lowest risk first' },
  { sort: 'status', order: 'asc', label: 'Waiting for a person first' },
  { sort: 'status', order: 'desc', label: 'Ended first' },
];

/** The default (newest first) is left out of the URL. */
export const defaultSort = operationSorts[0]!;

export const sortKey = (value: Pick<OperationSort, 'sort' | 'order'>): string => `${value.sort}:${value.order}`;

/** The sort a query string asks for; an unknown one falls back to the default (the API would refuse it). */
export function sortFromQuery(query: URLSearchParams): OperationSort {
  const sort = query.get('sort') ?? defaultSort.sort;
  const first = operationSorts.find((option) => option.sort === sort);
  if (!first) return defaultSort;
  return operationSorts.find((option) => option.sort === sort && option.order === query.get('order')) ?? first;
}
