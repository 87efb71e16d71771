import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { runGit } from '../workspace/git.ts';
import { createSelfProtectedPathMatcher } from '../safety/self-protected-paths.ts';
import type { SlotName, SelfVersion } from '../domain/self-update-vocabulary.ts';

const run = promisify(execFile);

/** A version that cannot be prepared, with the reason in words. */
export class PreparationError extends Error {
  constructor(
    message: string,
    readonly refused = false,
  ) {
    super(message);
  }
}

export interface PreparedRelease {
  version: SelfVersion;
  /** The new version adds or changes migrations: the database is restored if it is reverted. */
  migrates: boolean;
  prepareMs: number;
}

/**
 * The two release folders, `<dataDir>/self/slots/a` and `b`: a new version goes into the one not
 * serving. A release is the merged commit's tree (`git archive`, no .git: nothing in it can reach
 * the checkout's history), the running version's dependencies (package.json and the lockfile are
 * protected, so an automatic update never changes them) and its build. A commit that changes a
 * protected file (the supervisor, bin/, scripts/, the tests of record, the policy) is refused: a
 * person applies such a change by restarting the supervisor from the checkout.
 */
export class ReleaseSlots {
  private readonly isProtected = createSelfProtectedPathMatcher();

  constructor(
    private readonly root: string,
    private readonly checkout: string,
  ) {}

  folder(slot: Exclude<SlotName, 'checkout'>): string {
    return path.join(this.root, slot);
  }

  /** The slot a new version goes to: not the serving one (from the checkout: `a`, its snapshot in `b`). */
  nextSlot(active: SelfVersion): Exclude<SlotName, 'checkout'> {
    return active.slot === 'a' ? 'b' : 'a';
  }

  /**
   * The release folder of `commit` in `slot`, with `from`'s dependencies and a build. A snapshot
   * of the running version is not built (it is only the way back); any other commit that changes
   * protected files since `from` is refused.
   */
  async prepare(
    commit: string,
    from: SelfVersion,
    options: { slot: Exclude<SlotName, 'checkout'>; build: boolean; timeoutMs: number; snapshot?: boolean },
  ): Promise<PreparedRelease> {
    const started = Date.now();
    const resolved = await runGit(this.checkout, ['rev-parse', '--verify', '--quiet', `${commit}^{commit}`], { allowFailure: true });
    if (resolved.exitCode !== 0) throw new PreparationError(`commit ${commit} is not in ${this.checkout}`, true);
    const full = resolved.stdout.trim();
    const changed = options.snapshot
      ? []
      : (await runGit(this.checkout, ['diff', '--name-only', '--no-renames', from.commit, full])).stdout.split('\n').filter(Boolean);
    const guarded = changed.filter((file) => this.isProtected(file));
    if (guarded.length)
      throw new PreparationError(
        `it changes protected files (${guarded.slice(0, 5).join(', ')}${guarded.length > 5 ? ', …' : ''}): the supervisor does not start such a version by itself; a person reviews it and restarts the supervisor from the checkout`,
        true,
      );
    const folder = this.folder(options.slot);
    fs.rmSync(folder, { recursive: true, force: true });
    fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
    const archive = `${folder}.tar`;
    try {
      await runGit(this.checkout, ['archive', '--format=tar', '-o', archive, full]);
      await run('tar', ['-xf', archive, '-C', folder]);
    } finally {
      fs.rmSync(archive, { force: true });
    }
    fs.symlinkSync(fs.realpathSync(path.join(from.folder, 'node_modules')), path.join(folder, 'node_modules'));
    if (options.snapshot) {
      // The way back, needed only if the new version fails: it runs from source (bin/mender.mjs
      // falls back to tsx without a build) with the dashboard the running version serves.
      const dashboard = path.join(from.folder, 'web', 'dist');
      if (fs.existsSync(dashboard)) fs.cpSync(dashboard, path.join(folder, 'web', 'dist'), { recursive: true });
    } else if (options.build) await this.build(folder, options.timeoutMs);
    return {
      version: { commit: full, slot: options.slot, folder },
      migrates: changed.some((file) => file.startsWith('src/store/migrations/')),
      prepareMs: Date.now() - started,
    };
  }

  /** Whether two commits hold the same tree: nothing to start to go from one to the other. */
  async sameTree(commit: string, running: string): Promise<boolean> {
    const tree = async (revision: string) =>
      (await runGit(this.checkout, ['rev-parse', '--verify', '--quiet', `${revision}^{tree}`], { allowFailure: true })).stdout.trim();
    const [wanted, current] = await Promise.all([tree(commit), tree(running)]);
    return wanted !== '' && wanted === current;
  }

  private async build(folder: string, timeoutMs: number): Promise<void> {
    for (const script of ['scripts/build-server.ts', 'scripts/build-web.ts']) {
      try {
        await run(process.execPath, ['bin/run-ts.mjs', script], { cwd: folder, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 });
      } catch (error) {
        const output = `${(error as { stdout?: string }).stdout ?? ''}${(error as { stderr?: string }).stderr ?? ''}`.trim();
        throw new PreparationError(`the build (${script}) failed: ${output.slice(-2000) || (error as Error).message}`);
      }
    }
  }
}
