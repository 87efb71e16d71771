import { asc, eq } from 'drizzle-orm';
import type { Database } from './database.ts';
import { repos } from './schema.ts';
import { newId } from './ids.ts';

export type RepoRow = typeof repos.$inferSelect;

/** Rows of registered repositories. */
export class RepoStore {
  constructor(private readonly db: Database) {}

  async list(): Promise<RepoRow[]> {
    return this.db.select().from(repos).orderBy(asc(repos.name));
  }

  async byName(name: string): Promise<RepoRow | undefined> {
    const [row] = await this.db.select().from(repos).where(eq(repos.name, name));
    return row;
  }

  async byId(id: string): Promise<RepoRow | undefined> {
    const [row] = await this.db.select().from(repos).where(eq(repos.id, id));
    return row;
  }

  async insert(values: Omit<typeof repos.$inferInsert, 'id'>): Promise<RepoRow> {
    const [row] = await this.db
      .insert(repos)
      .values({ id: newId(), ...values })
      .returning();
    if (!row) throw new Error('insert returned no row');
    return row;
  }

  async update(id: string, values: Partial<Omit<typeof repos.$inferInsert, 'id'>>): Promise<RepoRow> {
    const [row] = await this.db.update(repos).set(values).where(eq(repos.id, id)).returning();
    if (!row) throw new Error('update returned no row');
    return row;
  }
}
