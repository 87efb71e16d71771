import { asc, eq } from 'drizzle-orm';
import type { Database } from '../../store/database.ts';
import { slackUserLinks, users } from '../../store/schema.ts';
import type { Actor, Role } from '../../domain/roles.ts';

export interface SlackUserLink {
  slackUserId: string;
  userName: string;
  role: Role;
}

/** Which Mender user (and so which role) a Slack user acts as. */
export class SlackUserLinks {
  constructor(private readonly db: Database) {}

  /** Links (or re-links) a Slack user id to a Mender user id. */
  async link(slackUserId: string, userId: string): Promise<void> {
    await this.db
      .insert(slackUserLinks)
      .values({ slackUserId, userId })
      .onConflictDoUpdate({ target: slackUserLinks.slackUserId, set: { userId, createdAt: new Date() } });
  }

  async unlink(slackUserId: string): Promise<boolean> {
    const removed = await this.db.delete(slackUserLinks).where(eq(slackUserLinks.slackUserId, slackUserId)).returning({ id: slackUserLinks.slackUserId });
    return removed.length > 0;
  }

  async list(): Promise<SlackUserLink[]> {
    const rows = await this.db
      .select({ slackUserId: slackUserLinks.slackUserId, userName: users.name, role: users.role })
      .from(slackUserLinks)
      .innerJoin(users, eq(users.id, slackUserLinks.userId))
      .orderBy(asc(users.name));
    return rows.map((row) => ({ ...row, role: row.role as Role }));
  }

  /** The Mender actor a Slack user acts as, or undefined when nobody linked them. */
  async actorFor(slackUserId: string): Promise<Actor | undefined> {
    const [row] = await this.db
      .select({ id: users.id, name: users.name, role: users.role })
      .from(slackUserLinks)
      .innerJoin(users, eq(users.id, slackUserLinks.userId))
      .where(eq(slackUserLinks.slackUserId, slackUserId));
    return row ? { id: row.id, name: row.name, role: row.role as Role } : undefined;
  }
}
