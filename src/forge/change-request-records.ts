import { and, eq } from 'drizzle-orm';
import type { Database, Executor } from '../store/database.ts';
import { changeRequests } from '../store/schema.ts';
import { newId } from '../store/ids.ts';
import type { ChangeRequestInput, ChangeRequestRow } from './forge.ts';

/** Change requests in the database: every forge keeps this record, whatever lives elsewhere. */
export class ChangeRequestRecords {
  constructor(private readonly db: Database) {}

  async open(executor: Executor, input: ChangeRequestInput): Promise<void> {
    const [existing] = await executor
      .select()
      .from(changeRequests)
      .where(and(eq(changeRequests.operationId, input.operationId), eq(changeRequests.status, 'open')));
    if (existing) {
      await executor
        .update(changeRequests)
        .set({ ...input, updatedAt: new Date() })
        .where(eq(changeRequests.id, existing.id));
      return;
    }
    await executor.insert(changeRequests).values({ id: newId(), ...input, status: 'open' });
  }

  async of(operationId: string): Promise<ChangeRequestRow | undefined> {
    const rows = await this.db.select().from(changeRequests).where(eq(changeRequests.operationId, operationId));
    return rows.find((row) => row.status === 'open') ?? rows.at(-1);
  }

  async close(executor: Executor, operationId: string, status: 'merged' | 'closed', mergeCommit?: string): Promise<void> {
    await executor
      .update(changeRequests)
      .set({ status, mergeCommit: mergeCommit ?? null, updatedAt: new Date() })
      .where(and(eq(changeRequests.operationId, operationId), eq(changeRequests.status, 'open')));
  }
}
