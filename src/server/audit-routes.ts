import type { Hono } from 'hono';
import { z } from 'zod';
import type { Database } from '../store/database.ts';
import { verifyAuditChain } from '../store/audit-log.ts';
import { auditActionCounts, iterateAudit, pageAudit, type AuditRecord } from '../store/audit-query.ts';
import type { AppEnvironment } from './authenticate.ts';
import { parseQuery } from './parse-request.ts';
import { requireRole } from './require-role.ts';

/** The most rows one page answers: a full export pages through the API rather than loading it whole. */
export const maxAuditPageSize = 1000;

const filterText = z.string().min(1).max(500).optional();

// `exclude=tool.called,model.called`: actions left out, comma-separated.
const excludedActions = z
  .string()
  .max(2000)
  .transform((text) => text.split(',').map((action) => action.trim()))
  .pipe(z.array(z.string().regex(/^[a-z0-9_.-]{1,100}$/, 'each excluded action is a name like tool.called')).max(50))
  .optional();

const auditFilterFields = {
  actor: filterText,
  action: filterText,
  subject: filterText,
  // The dashboard's filter by operation: rows about `operation:<id>`.
  operation: filterText,
  exclude: excludedActions,
};

/** `operation=<id>` is `subject=operation:<id>`; `exclude` is the store's `excludeActions`. */
function toStoreFilter<Query extends { operation?: string; subject?: string; exclude?: string[] }>({ operation, exclude, ...query }: Query) {
  return { ...query, subject: operation ? `operation:${operation}` : query.subject, excludeActions: exclude };
}

const auditPageQuery = z
  .object({
    order: z.enum(['oldest', 'newest']).default('oldest'),
    after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    before: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
    limit: z.coerce.number().int().min(1).max(maxAuditPageSize).default(100),
    ...auditFilterFields,
  })
  .strict()
  .refine((query) => !(query.subject && query.operation), { message: 'give subject or operation, not both', path: ['operation'] })
  .refine((query) => !(query.order === 'newest' && query.after !== undefined), {
    message: 'newest first pages with before=<sequence> (the nextBefore of the page before), not after',
    path: ['after'],
  })
  .refine((query) => !(query.order === 'oldest' && query.before !== undefined), {
    message: 'oldest first pages with after=<sequence> (the nextAfter of the page before); use order=newest to page with before',
    path: ['before'],
  })
  .transform(toStoreFilter);

const auditExportQuery = z
  .object(auditFilterFields)
  .strict()
  .refine((query) => !(query.subject && query.operation), { message: 'give subject or operation, not both', path: ['operation'] })
  .transform(toStoreFilter);

const auditVerifyQuery = z
  .object({
    anchor: z
      .string()
      .regex(/^[1-9][0-9]{0,15}:[0-9a-f]{64}$/, 'give <sequence>:<hash> of a row from an earlier `mender audit verify` or export')
      .transform((text) => {
        const [sequence, hash] = text.split(':') as [string, string];
        return { sequence: Number(sequence), hash };
      })
      .optional(),
  })
  .strict();

/** An audit row on the wire, as `GET /api/audit` and `mender audit export` give it. */
export interface AuditEntryView {
  sequence: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  details: Record<string, unknown>;
  previousHash: string;
  hash: string;
}

function auditEntryView(record: AuditRecord): AuditEntryView {
  return {
    sequence: record.sequence,
    at: record.at.toISOString(),
    actor: record.actor,
    action: record.action,
    subject: record.subject,
    details: record.details,
    previousHash: record.previousHash,
    hash: record.hash,
  };
}

/**
 * `GET /api/audit` pages through the audit log (`?order=oldest|newest&after=&before=&limit=&actor=&action=&subject=&operation=&exclude=`,
 * answering `{ entries, nextAfter, nextBefore }`); `GET /api/audit/actions` counts the rows of each action;
 * `GET /api/audit/export` streams the matching rows as JSON lines, oldest first; `GET /api/audit/verify`
 * recomputes the hash chain (`?anchor=<sequence>:<hash>`).
 * Register after the `/api/*` bearer-token middleware so all sit behind it.
 */
export function registerAuditRoutes(app: Hono<AppEnvironment>, services: { db: Database }): void {
  // Every user's actions are in it, so only admins read it; verifying reveals no content.
  app.get('/api/audit', requireRole('admin', 'read the audit log'), async (c) => {
    const query = parseQuery(c, auditPageQuery);
    const page = await pageAudit(services.db, query);
    return c.json({ entries: page.entries.map(auditEntryView), nextAfter: page.nextAfter, nextBefore: page.nextBefore });
  });
  app.get('/api/audit/actions', requireRole('admin', 'read the audit log'), async (c) => c.json({ actions: await auditActionCounts(services.db) }));
  app.get('/api/audit/export', requireRole('admin', 'export the audit log'), (c) => {
    const filter = parseQuery(c, auditExportQuery);
    const encoder = new TextEncoder();
    const rows = iterateAudit(services.db, filter);
    // Read a page at a time as the client takes it: a long log never sits in memory whole.
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await rows.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(`${JSON.stringify(auditEntryView(next.value))}\n`));
      },
      async cancel() {
        await rows.return(undefined);
      },
    });
    const day = new Date().toISOString().slice(0, 10);
    return new Response(body, {
      headers: {
        'content-type': 'application/x-ndjson; charset=utf-8',
        'content-disposition': `attachment; filename="mender-audit-${day}.jsonl"`,
        'cache-control': 'no-store',
      },
    });
  });
  // A read that changes nothing, so GET; it is answered 200 whether the chain is whole or broken.
  app.get('/api/audit/verify', async (c) => {
    const query = parseQuery(c, auditVerifyQuery);
    return c.json(await verifyAuditChain(services.db, { anchor: query.anchor }));
  });
}
