import type { DetectionService } from '../detect/detection-service.ts';
import { logLineToEvent } from '../detect/log-lines.ts';
import type { RepoStore } from '../store/repo-store.ts';
import { selfRepo } from '../pipeline/self-repo.ts';

/** At most this many of Mender's own errors a minute become events: a storm is one issue, not a flood. */
const eventsPerMinute = 60;

/**
 * Self-maintenance: Mender's own errors reach its own detection, as any app's do. Every line its
 * logger writes at `error` (an unexpected exception in a request, a step that failed on an
 * internal error, a digest that failed) becomes an internal event of the detection project named
 * after Mender's own repository, created for it on the first error, so it is grouped, weighed and
 * may start a fix like any other issue. Nothing happens while no repository is Mender's own. The
 * feed never logs at `error` itself and ignores what it writes, so it cannot feed on itself.
 */
export class SelfErrorFeed {
  private detection: DetectionService | undefined;
  private repos: RepoStore | undefined;
  private chain: Promise<void> = Promise.resolve();
  private windowStart = 0;
  private inWindow = 0;
  dropped = 0;

  /** Starts feeding once detection runs; until then lines are only written. */
  attach(detection: DetectionService, repos: RepoStore): void {
    this.detection = detection;
    this.repos = repos;
  }

  detach(): Promise<void> {
    this.detection = undefined;
    return this.chain;
  }

  /** Called with each line the logger writes (JSON). */
  offer(line: string): void {
    const detection = this.detection;
    const repos = this.repos;
    if (!detection || !repos || !line.includes('"level":"error"')) return;
    const now = Date.now();
    if (now - this.windowStart > 60_000) {
      this.windowStart = now;
      this.inWindow = 0;
    }
    if (this.inWindow >= eventsPerMinute) {
      this.dropped += 1;
      return;
    }
    this.inWindow += 1;
    this.chain = this.chain
      .then(() => this.feed(detection, repos, line))
      .catch(() => {
        this.dropped += 1;
      });
  }

  private async feed(detection: DetectionService, repos: RepoStore, line: string): Promise<void> {
    const repo = await selfRepo(repos);
    if (!repo) return;
    const project = (await detection.projects.byName(repo.name)) ?? (await detection.projects.create({ name: repo.name, repoId: repo.id }));
    // A project of that name for another repository is someone else's: not where Mender's errors go.
    if (project.repoId !== repo.id) return;
    // Mender's logger writes a stack as `error`; the log reader takes it from `stack`.
    const record = JSON.parse(line) as Record<string, unknown>;
    const stack = typeof record.error === 'string' && /\n\s+at /.test(record.error) ? record.error : undefined;
    const message = stack
      ? `${String(record.message)}: ${stack.split('\n')[0]}`
      : `${String(record.message)}${record.error ? `: ${String(record.error)}` : ''}`;
    const event = logLineToEvent(JSON.stringify({ ...record, message, ...(stack ? { stack } : {}) }), 'mender');
    if (event) await detection.acceptInternal(repo.name, 'log', event);
  }
}
