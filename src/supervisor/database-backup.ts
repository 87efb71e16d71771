import fs from 'node:fs';
import path from 'node:path';

/**
 * The embedded database folder, copied aside while no version has it open (between the old
 * version letting go and the new one taking over), and copied back when a reverted version had
 * migrated it. A PostgreSQL server's database is not copied here (see docs/self-maintenance.md).
 */
export class DatabaseBackup {
  constructor(
    private readonly database: string,
    private readonly backup: string,
  ) {}

  private get labelFile(): string {
    return `${this.backup}.update`;
  }

  /** Whether the copy is the one taken for this update (an older one would lose what came since). */
  holds(updateId: string): boolean {
    try {
      return fs.readFileSync(this.labelFile, 'utf8') === updateId && fs.existsSync(this.backup);
    } catch {
      return false;
    }
  }

  take(updateId: string): number {
    const started = Date.now();
    fs.rmSync(this.labelFile, { force: true });
    fs.rmSync(this.backup, { recursive: true, force: true });
    if (!fs.existsSync(this.database)) return 0;
    fs.mkdirSync(path.dirname(this.backup), { recursive: true, mode: 0o700 });
    fs.cpSync(this.database, this.backup, { recursive: true, preserveTimestamps: true });
    // Written last: a copy cut short by a crash is never taken for a whole one.
    fs.writeFileSync(this.labelFile, updateId, { mode: 0o600 });
    return Date.now() - started;
  }

  restore(updateId: string): void {
    if (!this.holds(updateId)) throw new Error(`no backup for ${updateId} at ${this.backup} to restore`);
    // The reverted version's database stays beside it (the last one only), for a person to
    // recover what that version accepted after the backup.
    const aside = `${this.database}.reverted`;
    fs.rmSync(aside, { recursive: true, force: true });
    if (fs.existsSync(this.database)) fs.renameSync(this.database, aside);
    fs.cpSync(this.backup, this.database, { recursive: true, preserveTimestamps: true });
  }
}
