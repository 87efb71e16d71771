import { sql } from 'drizzle-orm';
import { appendAudit } from './audit-log.ts';
import type { Database } from './database.ts';
import type { EventHub, RecordedEvent } from './event-hub.ts';
import { lockEventOrder } from './event-order-lock.ts';
import type { Executor } from './database.ts';
import { events, settingOverrides } from './schema.ts';

export interface SettingChange {
  key: string;
  old: unknown;
  new: unknown;
}

/** JSON cannot hold undefined: a cleared setting is stored and reported as null. */
function toJson(value: unknown): unknown {
  return value === undefined ? null : value;
}

/**
 * Settings changed at run time, kept in the database so they survive a restart and win over the
 * environment and the config file. Each change is audited and announced on the event stream.
 */
export class SettingOverrideStore {
  private readonly overridden = new Set<string>();

  constructor(
    private readonly db: Database,
    private readonly hub: EventHub,
  ) {}

  /** The stored overrides (null meaning cleared); remembers which keys are overridden. */
  async load(): Promise<Map<string, unknown>> {
    const rows = await this.db.select().from(settingOverrides);
    for (const row of rows) this.overridden.add(row.key);
    return new Map(rows.map((row) => [row.key, row.value]));
  }

  isOverridden(key: string): boolean {
    return this.overridden.has(key);
  }

  /**
   * Stores the changes in one transaction with one audit entry per key and one `settings.changed`
   * event; `alsoInTransaction` writes what belongs with them (an autonomy period).
   */
  async save(changes: SettingChange[], actor: string, alsoInTransaction?: (executor: Executor) => Promise<unknown>): Promise<void> {
    if (changes.length === 0) return;
    const published: RecordedEvent[] = [];
    const details = changes.map((change) => ({ key: change.key, old: toJson(change.old), new: toJson(change.new) }));
    await this.db.transaction(async (transaction) => {
      await lockEventOrder(transaction);
      const now = new Date();
      for (const change of details) {
        // A cleared setting is the JSON null (drizzle would write SQL NULL for a bare null).
        const value = change.new === null ? sql`'null'::jsonb` : change.new;
        await transaction
          .insert(settingOverrides)
          .values({ key: change.key, value, updatedBy: actor, updatedAt: now })
          .onConflictDoUpdate({ target: settingOverrides.key, set: { value, updatedBy: actor, updatedAt: now } });
        await appendAudit(transaction, { actor, action: 'settings.changed', subject: `setting:${change.key}`, details: change });
      }
      await alsoInTransaction?.(transaction);
      const data = { changes: details };
      const [row] = await transaction.insert(events).values({ operationId: null, type: 'settings.changed', actor, data }).returning();
      if (row) published.push({ sequence: row.sequence, operationId: null, type: row.type, actor, data, at: row.at.toISOString() });
    });
    for (const change of changes) this.overridden.add(change.key);
    this.hub.publish(published);
  }
}
