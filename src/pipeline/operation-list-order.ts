import { asc, desc, ilike, or, sql, type SQL } from 'drizzle-orm';
import { operations } from '../store/schema.ts';
import { awaitingStatuses, operationStatuses, terminalStatuses } from '../domain/operation-vocabulary.ts';

/** What the operations list may be sorted by, and in which direction (`asc`: smallest first). */
export const operationSortKeys = ['age', 'duration', 'risk', 'status'] as const;
export type OperationSortKey = (typeof operationSortKeys)[number];
export const sortOrders = ['asc', 'desc'] as const;
export type SortOrder = (typeof sortOrders)[number];

/** The longest search text the list takes: enough for an error message, short of a scan per byte. */
export const maxSearchLength = 200;

/**
 * Text search over what a person remembers of an operation: its title's sources (plan summary,
 * the detected error's message, the description), its id and its branch. A parameterised ILIKE
 * with `%`, `_` and `\` escaped, so the text matches literally.
 */
export function searchCondition(text: string): SQL | undefined {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  const pattern = `%${trimmed.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
  return or(
    ilike(operations.description, pattern),
    ilike(operations.id, pattern),
    ilike(operations.branch, pattern),
    sql`${operations.plan}->>'summary' ILIKE ${pattern}`,
    sql`${operations.errorContext}->>'message' ILIKE ${pattern}`,
  );
}

const terminalList = sql.join(
  [...terminalStatuses].map((status) => sql`${status}`),
  sql`, `,
);

/** Created to ended (the last update of an operation that ended), or to now while it runs. */
const durationExpression = sql`(coalesce(CASE WHEN ${operations.status} IN (${terminalList}) THEN ${operations.updatedAt} END, now()) - ${operations.createdAt})`;

const riskRank = sql`(CASE ${operations.risk}->>'level' WHEN 'low' THEN 1 WHEN 'medium' THEN 2 WHEN 'high' THEN 3 WHEN 'critical' THEN 4 ELSE 0 END)`;

// Status order: what waits for a person first, then what runs (in pipeline order), then what ended.
const statusOrder = [
  ...operationStatuses.filter((status) => awaitingStatuses.has(status)),
  ...operationStatuses.filter((status) => !awaitingStatuses.has(status) && !terminalStatuses.has(status)),
  ...operationStatuses.filter((status) => terminalStatuses.has(status)),
];
const statusRank = sql`(CASE ${operations.status} ${sql.join(
  statusOrder.map((status, index) => sql`WHEN ${status} THEN ${sql.raw(String(index))}`),
  sql` `,
)} ELSE ${sql.raw(String(statusOrder.length))} END)`;

/** The ORDER BY of a sort; ties go newest first, then by id, so pages never overlap. */
export function sortOrder(key: OperationSortKey, order: SortOrder): SQL[] {
  const direction = order === 'asc' ? asc : desc;
  const newestFirst = [desc(operations.createdAt), desc(operations.id)];
  switch (key) {
    // Age ascending is youngest first: the newest operation has the smallest age.
    case 'age':
      return order === 'asc' ? newestFirst : [asc(operations.createdAt), asc(operations.id)];
    case 'duration':
      return [direction(durationExpression), ...newestFirst];
    case 'risk':
      return [direction(riskRank), ...newestFirst];
    case 'status':
      return [direction(statusRank), ...newestFirst];
  }
}
