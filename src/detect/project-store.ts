import crypto from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import type { Database } from '../store/database.ts';
import { detectProjects, repos } from '../store/schema.ts';

export interface ProjectRow {
  id: number;
  name: string;
  repoId: string;
  repoName: string;
  publicKey: string;
  /** The back ends' key; a secret, unlike the public key shipped in front-end bundles. */
  serverKey: string;
  rateLimitPerMinute: number | null;
  createdAt: Date;
}

const cacheMs = 5_000;

/** Projects (one DSN each, mapped to a registered repository); lookups for ingest are cached briefly. */
export class ProjectStore {
  private cache = new Map<number, { row: ProjectRow | undefined; at: number }>();

  constructor(private readonly db: Database) {}

  async create(values: { name: string; repoId: string; rateLimitPerMinute?: number }): Promise<ProjectRow> {
    const publicKey = crypto.randomBytes(16).toString('hex');
    const serverKey = crypto.randomBytes(16).toString('hex');
    const [row] = await this.db
      .insert(detectProjects)
      .values({ name: values.name, repoId: values.repoId, publicKey, serverKey, rateLimitPerMinute: values.rateLimitPerMinute ?? null })
      .returning();
    if (!row) throw new Error('insert returned no row');
    this.cache.delete(row.id);
    return (await this.byId(row.id))!;
  }

  async list(): Promise<ProjectRow[]> {
    return this.select().orderBy(asc(detectProjects.id));
  }

  async byName(name: string): Promise<ProjectRow | undefined> {
    const [row] = await this.select().where(eq(detectProjects.name, name));
    return row;
  }

  async byId(id: number): Promise<ProjectRow | undefined> {
    const [row] = await this.select().where(eq(detectProjects.id, id));
    return row;
  }

  /** For the ingest path: a project read at most every few seconds, not once per envelope. */
  async cachedById(id: number): Promise<ProjectRow | undefined> {
    const now = Date.now();
    const cached = this.cache.get(id);
    if (cached && now - cached.at < cacheMs) return cached.row;
    const row = await this.byId(id);
    this.cache.set(id, { row, at: now });
    return row;
  }

  private select() {
    return this.db
      .select({
        id: detectProjects.id,
        name: detectProjects.name,
        repoId: detectProjects.repoId,
        repoName: repos.name,
        publicKey: detectProjects.publicKey,
        serverKey: detectProjects.serverKey,
        rateLimitPerMinute: detectProjects.rateLimitPerMinute,
        createdAt: detectProjects.createdAt,
      })
      .from(detectProjects)
      .innerJoin(repos, eq(repos.id, detectProjects.repoId))
      .$dynamic();
  }
}

/** `http://<key>@<host>/<projectId>`: what the application puts in SENTRY_DSN (the public key unless `key` says otherwise). */
export function projectDsn(project: Pick<ProjectRow, 'id' | 'publicKey'>, baseUrl: string, key: string = project.publicKey): string {
  const url = new URL(baseUrl);
  return `${url.protocol}//${key}@${url.host}${url.pathname.replace(/\/$/, '')}/${project.id}`;
}
