import { eq } from 'drizzle-orm';
import type { Database } from '../../store/database.ts';
import { slackThreads } from '../../store/schema.ts';

export type SlackThread = typeof slackThreads.$inferSelect;

/** Where each Slack-started operation lives in Slack: its channel, thread, progress message and decision message. */
export class SlackThreads {
  constructor(private readonly db: Database) {}

  async create(thread: { operationId: string; channel: string; threadTs: string; progressTs: string; requestedBy: string }): Promise<void> {
    await this.db.insert(slackThreads).values(thread).onConflictDoNothing();
  }

  async of(operationId: string): Promise<SlackThread | undefined> {
    const [row] = await this.db.select().from(slackThreads).where(eq(slackThreads.operationId, operationId));
    return row;
  }

  async setDecisionMessage(operationId: string, decisionTs: string | null): Promise<void> {
    await this.db.update(slackThreads).set({ decisionTs, updatedAt: new Date() }).where(eq(slackThreads.operationId, operationId));
  }
}
