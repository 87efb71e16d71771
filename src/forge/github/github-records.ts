import { and, desc, eq, sql } from 'drizzle-orm';
import type { Database } from '../../store/database.ts';
import { githubIssueOperations, githubPullRequests, githubRepositories } from '../../store/schema.ts';

export type GitHubRepositoryRow = typeof githubRepositories.$inferSelect;
export type PullRequestRow = typeof githubPullRequests.$inferSelect;

/** Rows linking Mender's repositories, operations and GitHub's repositories, pull requests and issues. */
export class GitHubRecords {
  // Registrations are rare and never change a repository's forge: cache the lookups.
  private readonly repositoryCache = new Map<string, GitHubRepositoryRow | null>();

  constructor(private readonly db: Database) {}

  async repository(repoId: string): Promise<GitHubRepositoryRow | undefined> {
    if (!this.repositoryCache.has(repoId)) {
      const [row] = await this.db.select().from(githubRepositories).where(eq(githubRepositories.repoId, repoId));
      this.repositoryCache.set(repoId, row ?? null);
    }
    return this.repositoryCache.get(repoId) ?? undefined;
  }

  async repositoryByName(owner: string, name: string): Promise<GitHubRepositoryRow | undefined> {
    const [row] = await this.db
      .select()
      .from(githubRepositories)
      .where(and(sql`lower(${githubRepositories.owner}) = ${owner.toLowerCase()}`, sql`lower(${githubRepositories.name}) = ${name.toLowerCase()}`));
    return row;
  }

  async saveRepository(values: { repoId: string; owner: string; name: string; remoteUrl: string }): Promise<void> {
    await this.db
      .insert(githubRepositories)
      .values(values)
      .onConflictDoUpdate({ target: githubRepositories.repoId, set: { owner: values.owner, name: values.name, remoteUrl: values.remoteUrl } });
    this.repositoryCache.delete(values.repoId);
  }

  async pullRequestOf(operationId: string): Promise<PullRequestRow | undefined> {
    const [row] = await this.db.select().from(githubPullRequests).where(eq(githubPullRequests.operationId, operationId));
    return row;
  }

  /** The operation whose pull request this is (latest first, in case of a reopened number). */
  async operationOfPullRequest(repoId: string, number: number): Promise<string | undefined> {
    const [row] = await this.db
      .select({ operationId: githubPullRequests.operationId })
      .from(githubPullRequests)
      .where(and(eq(githubPullRequests.repoId, repoId), eq(githubPullRequests.number, number)))
      .orderBy(desc(githubPullRequests.createdAt))
      .limit(1);
    return row?.operationId;
  }

  async savePullRequest(values: Omit<typeof githubPullRequests.$inferInsert, 'createdAt' | 'updatedAt'>): Promise<void> {
    await this.db
      .insert(githubPullRequests)
      .values(values)
      .onConflictDoUpdate({
        target: githubPullRequests.operationId,
        set: {
          number: values.number,
          nodeId: values.nodeId,
          url: values.url,
          branch: values.branch,
          state: values.state,
          draft: values.draft,
          updatedAt: new Date(),
        },
      });
  }

  async updatePullRequest(operationId: string, values: Partial<Pick<PullRequestRow, 'state' | 'draft'>>): Promise<void> {
    await this.db
      .update(githubPullRequests)
      .set({ ...values, updatedAt: new Date() })
      .where(eq(githubPullRequests.operationId, operationId));
  }

  async linkIssue(operationId: string, repoId: string, issueNumber: number, deliveryId?: string): Promise<void> {
    await this.db.insert(githubIssueOperations).values({ operationId, repoId, issueNumber, deliveryId }).onConflictDoNothing();
  }

  async operationOfDelivery(deliveryId: string): Promise<string | undefined> {
    const [row] = await this.db
      .select({ operationId: githubIssueOperations.operationId })
      .from(githubIssueOperations)
      .where(eq(githubIssueOperations.deliveryId, deliveryId));
    return row?.operationId;
  }

  async issueOf(operationId: string): Promise<{ repoId: string; number: number } | undefined> {
    const [row] = await this.db.select().from(githubIssueOperations).where(eq(githubIssueOperations.operationId, operationId));
    return row ? { repoId: row.repoId, number: row.issueNumber } : undefined;
  }

  /** The latest operation started from this issue. */
  async operationOfIssue(repoId: string, issueNumber: number): Promise<string | undefined> {
    const [row] = await this.db
      .select({ operationId: githubIssueOperations.operationId })
      .from(githubIssueOperations)
      .where(and(eq(githubIssueOperations.repoId, repoId), eq(githubIssueOperations.issueNumber, issueNumber)))
      .orderBy(desc(githubIssueOperations.createdAt))
      .limit(1);
    return row?.operationId;
  }
}
