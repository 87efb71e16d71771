import type { Hono } from 'hono';
import { z } from 'zod';
import { countQuarantined, listQuarantined } from '../detect/quarantine.ts';
import type { Database } from '../store/database.ts';
import type { AppEnvironment } from './authenticate.ts';
import { parseQuery } from './parse-request.ts';

const longestPayloadShown = 64 * 1024;
const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(50), offset: z.coerce.number().int().min(0).default(0) });

/** GET /api/detection/quarantine: the inbox entries the digest could not group, newest first, with the database's reason. */
export function registerQuarantineRoutes(app: Hono<AppEnvironment>, db: Database): void {
  app.get('/api/detection/quarantine', async (c) => {
    const query = parseQuery(c, listQuery);
    const [rows, total] = await Promise.all([listQuarantined(db, query.limit, query.offset), countQuarantined(db)]);
    return c.json({
      total,
      entries: rows.map((row) => ({
        id: row.id,
        projectId: row.projectId,
        source: row.source,
        events: row.events,
        reason: row.reason,
        receivedAt: row.receivedAt.toISOString(),
        quarantinedAt: row.quarantinedAt.toISOString(),
        payloadBytes: Buffer.byteLength(row.payload),
        payload: row.payload.length > longestPayloadShown ? `${row.payload.slice(0, longestPayloadShown)}…` : row.payload,
      })),
    });
  });
}
