import type { Hono } from 'hono';
import { z } from 'zod';
import type { Database } from '../store/database.ts';
import { verifyAuditChain } from '../store/audit-log.ts';
import { pageAudit, type AuditRecord } from '../store/audit-query.ts';
import type { AppEnvironment } from './authenticate.ts';
import { parseQuery } from './parse-request.ts';
import { requireRole } from './require-role.ts';

/** The most rows one page answers: a full export pages through the API rather than loading it whole. */
export const maxAuditPageSize = 1000;

const filterText = z.string().min(1).max(500).optional();

const auditPageQuery = z
  .object({
    after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
    limit: z.coerce.number().int().min(1).max(maxAuditPageSize).default(100),
    actor: filterText,
    action: filterText,
    subject: filterText,
    // The dashboard's filter by operation: rows about `operation:<id>`.
    operation: filterText,
  })
  .strict()
  .refine((query) => !(query.subject && query.operation), { message: 'give subject or operation, not both', path: ['operation'] })
  .transform(({ operation, ...query }) => (operation ? { ...query, subject: `operation:${operation}` } : query));

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
 * `GET /api/audit` pages through the audit log (`?after=&limit=&actor=&action=&subject=&operation=`, answering
 * `{ entries, nextAfter }`); `GET /api/audit/verify` recomputes the hash chain (`?anchor=<sequence>:<hash>`).
 * Register after the `/api/*` bearer-token middleware so both sit behind it.
 */
export function registerAuditRoutes(app: Hono<AppEnvironment>, services: { db: Database }): void {
  // Every user's actions are in it, so only admins read it; verifying reveals no content.
  app.get('/api/audit', requireRole('admin', 'read the audit log'), async (c) => {
    const query = parseQuery(c, auditPageQuery);
    const page = await pageAudit(services.db, query);
    return c.json({ entries: page.entries.map(auditEntryView), nextAfter: page.nextAfter });
  });
  // A read that changes nothing, so GET; it is answered 200 whether the chain is whole or broken.
  app.get('/api/audit/verify', async (c) => {
    const query = parseQuery(c, auditVerifyQuery);
    return c.json(await verifyAuditChain(services.db, { anchor: query.anchor }));
  });
}
