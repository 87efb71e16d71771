import { sql } from 'drizzle-orm';
import type { Context } from 'hono';
import type { Database } from '../store/database.ts';

const checkTimeoutMs = 2_000;

/**
 * `/health` says the process is up and started (a liveness probe: failing it gets the process
 * restarted); `/ready` says it can do its work now: started, not stopping, and the database
 * answers, and so does the queue's Redis when it has one (a readiness probe: failing it takes a web process out of the Service, holds a rollout).
 */
export function readinessRoutes(services: { db: Database; isReady: () => boolean; isStopping?: () => boolean; queuePing?: () => Promise<void> }) {
  return {
    // A stopping process is still alive: a drain may take minutes, and must not be cut short as a hang.
    health: (c: Context) => (services.isReady() ? c.json({ status: 'ok' }) : c.json({ status: 'starting' }, 503)),
    ready: async (c: Context) => {
      if (!services.isReady()) return c.json({ status: 'starting' }, 503);
      if (services.isStopping?.()) return c.json({ status: 'stopping' }, 503);
      const answered = await answersInTime(() => services.db.execute(sql`SELECT 1`));
      if (answered !== true) return c.json({ status: 'database_unreachable', error: answered }, 503);
      // A queue on its own server (Redis): without it no job is added or run.
      const queueAnswered = services.queuePing ? await answersInTime(services.queuePing) : true;
      return queueAnswered === true ? c.json({ status: 'ready' }) : c.json({ status: 'queue_unreachable', error: queueAnswered }, 503);
    },
  };
}

async function answersInTime(check: () => Promise<unknown>): Promise<true | string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`no answer within ${checkTimeoutMs} ms`), checkTimeoutMs)));
  try {
    return await Promise.race([check().then(() => true as const), timeout]);
  } catch (error) {
    return (error as Error).message;
  } finally {
    clearTimeout(timer);
  }
}
