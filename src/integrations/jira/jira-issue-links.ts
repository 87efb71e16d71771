import { desc, eq } from 'drizzle-orm';
import type { Database } from '../../store/database.ts';
import { jiraIssueLinks } from '../../store/schema.ts';

export type JiraIssueLink = typeof jiraIssueLinks.$inferSelect;

/** Which Jira issue each Jira-started operation works on. */
export class JiraIssueLinks {
  constructor(private readonly db: Database) {}

  async link(operationId: string, issueKey: string): Promise<void> {
    await this.db.insert(jiraIssueLinks).values({ operationId, issueKey }).onConflictDoNothing();
  }

  async ofOperation(operationId: string): Promise<JiraIssueLink | undefined> {
    const [row] = await this.db.select().from(jiraIssueLinks).where(eq(jiraIssueLinks.operationId, operationId));
    return row;
  }

  async ofIssue(issueKey: string): Promise<JiraIssueLink[]> {
    return this.db.select().from(jiraIssueLinks).where(eq(jiraIssueLinks.issueKey, issueKey)).orderBy(desc(jiraIssueLinks.createdAt));
  }

  async setStatus(operationId: string, lastStatus: string): Promise<void> {
    await this.db.update(jiraIssueLinks).set({ lastStatus }).where(eq(jiraIssueLinks.operationId, operationId));
  }
}
