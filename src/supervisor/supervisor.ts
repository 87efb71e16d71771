import crypto from 'node:crypto';
import path from 'node:path';
import type { Settings } from '../config/settings-schema.ts';
import type { Logger } from '../logging/logger.ts';
import { runGit } from '../workspace/git.ts';
import {
  finishedSelfUpdatePhases,
  type ChildMessage,
  type SelfEventType,
  type SelfRevertCause,
  type SelfState,
  type SelfUpdate,
  type SelfVersion,
} from '../domain/self-update-vocabulary.ts';
import { TcpForwarder } from './tcp-forwarder.ts';
import { StateFile, withEvent } from './state-file.ts';
import { recoverState } from './state-recovery.ts';
import { PreparationError, ReleaseSlots } from './release-slots.ts';
import { ChildFailure, type MenderChild } from './mender-child.ts';
import { VersionLauncher } from './version-launcher.ts';
import { probeHealth } from './health-probe.ts';
import { DatabaseBackup } from './database-backup.ts';
import { Trial, type TrialRules } from './probation.ts';
import { HandoverFailure, lastOutput, SupervisorStartError, type HandoverTimings } from './supervisor-errors.ts';

export interface SupervisorOptions {
  settings: Settings;
  /** The folder the supervisor runs from: the checkout new versions are taken from. */
  checkout: string;
  /** The working folder and environment every version runs in (relative settings resolve alike). */
  cwd: string;
  env: NodeJS.ProcessEnv;
  log: Logger;
  /** Where the versions' output goes (default: the supervisor's stderr). */
  write?: (line: string) => void;
}

/**
 * Mender's supervisor: owns the public port, runs one version of Mender as its child and moves
 * it to a new version when the running one asks (a merge to Mender's own repository) or a person
 * does. The new version is prepared in the slot not serving, loaded while the old one serves,
 * handed the database and the traffic (connections wait, none is refused), and kept on trial
 * until it earned its blessing; a version that crashes, stops answering /health or never gets
 * ready is replaced by the previous one, with the database backup restored when it had migrated
 * it. Nothing here can be changed by the version it judges: its code, its settings (the
 * environment and the config file, never the database) and the state file are outside the
 * agent's reach (see safety/self-protected-paths.ts).
 */
export class Supervisor {
  private readonly forwarder = new TcpForwarder();
  private readonly stateFile: StateFile;
  private readonly slots: ReleaseSlots;
  private readonly backup: DatabaseBackup | undefined;
  private readonly rules: TrialRules;
  private state!: SelfState;
  private serving: MenderChild | undefined;
  private trial: Trial | undefined;
  private chain: Promise<void> = Promise.resolve();
  private stopping = false;
  private healthTimer: NodeJS.Timeout | undefined;
  private port = 0;
  private readonly launcher: VersionLauncher;

  constructor(private readonly options: SupervisorOptions) {
    const { settings } = options;
    const self = path.resolve(options.cwd, settings.dataDir, 'self');
    this.stateFile = new StateFile(path.join(self, 'state.json'));
    this.slots = new ReleaseSlots(path.join(self, 'slots'), options.checkout);
    this.backup = settings.databaseUrl ? undefined : new DatabaseBackup(path.resolve(options.cwd, settings.dataDir, 'db'), path.join(self, 'backup', 'db'));
    this.launcher = new VersionLauncher({
      cwd: options.cwd,
      env: options.env,
      checkout: options.checkout,
      startTimeoutMs: settings.selfStartTimeoutSeconds * 1000,
      write: options.write ?? ((line) => void process.stderr.write(line)),
      onMessage: (child, message) => this.onChildMessage(child, message),
      onExit: (child, at) => this.onChildExit(child, at),
      state: () => this.state,
    });
    this.rules = {
      probationMs: settings.selfProbationSeconds * 1000,
      crashLimit: settings.selfCrashLimit,
      crashWindowMs: settings.selfCrashWindowSeconds * 1000,
      healthFailures: settings.selfHealthFailures,
    };
  }

  get url(): string {
    return `http://${this.options.settings.host}:${this.port}`;
  }

  current(): SelfState {
    return this.state;
  }

  /** Listens on the public port and starts the active version (the blessed one, else the checkout). */
  async start(): Promise<{ port: number }> {
    const { settings, checkout } = this.options;
    // A folder that is not a git checkout (an image, a tarball) runs, but cannot update itself.
    const head = (await runGit(checkout, ['rev-parse', 'HEAD'], { allowFailure: true })).stdout.trim() || 'unknown';
    const fromCheckout: SelfVersion = { commit: head, slot: 'checkout', folder: checkout };
    this.port = await this.forwarder.listen(settings.host, settings.port);
    const supervisor = { pid: process.pid, startedAt: new Date().toISOString(), host: settings.host, port: this.port };
    this.state = recoverState(this.stateFile.read(), { fromCheckout, supervisor, restoreBackup: (updateId) => this.restoreBackup(updateId) });
    await this.serveActive(true);
    this.save();
    this.takeNextQueued();
    this.healthTimer = setInterval(() => void this.serial(() => this.watch()), settings.selfHealthIntervalSeconds * 1000);
    this.options.log.info('supervisor ready', { url: this.url, version: this.state.active.commit.slice(0, 12), slot: this.state.active.slot });
    return { port: this.port };
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.healthTimer);
    await this.chain.catch(() => undefined);
    await this.serving?.stop(this.options.settings.selfDrainSeconds * 1000);
    await this.forwarder.close();
  }

  requestUpdate(request: { commit: string; operationId: string | null; requestedBy: string }): Promise<void> {
    return this.serial(() => this.update(request));
  }

  requestRollback(requestedBy: string): Promise<void> {
    return this.serial(() => this.rollback(requestedBy));
  }

  /** One action at a time: updates, reverts, restarts and the health watch never interleave. */
  private serial(action: () => Promise<void>): Promise<void> {
    const next = this.chain.then(async () => {
      if (this.stopping) return;
      try {
        await action();
      } catch (error) {
        this.options.log.error('supervisor action failed', { error: (error as Error).message });
      }
    });
    this.chain = next;
    return next;
  }

  // — serving —

  /**
   * Starts the active version until it serves, waiting longer after each failure. At the
   * supervisor's own start a version that fails is not retried: the settings or the policy are
   * wrong far more often than luck, and the person starting it reads why at once.
   */
  private async serveActive(firstStart = false): Promise<void> {
    for (let attempt = 0; !this.stopping; attempt += 1) {
      let child: MenderChild | undefined;
      try {
        child = await this.launcher.launch(this.state.active);
        const port = await this.launcher.takeOver(child);
        this.serving = child;
        this.forwarder.point(port);
        child.send({ type: 'state', state: this.state });
        return;
      } catch (error) {
        await child?.kill();
        if (firstStart) {
          await this.forwarder.close();
          throw new SupervisorStartError(
            `Mender did not start (${(error as Error).message})${this.state.active.slot === 'checkout' ? '' : `; it ran from release slot ${this.state.active.slot}: to start from the checkout instead, move ${this.stateFile.file} aside`}`,
          );
        }
        const waitMs = Math.min(30_000, 500 * 2 ** attempt);
        this.options.log.error('the active version did not start; trying again', {
          version: this.state.active.commit.slice(0, 12),
          reason: (error as Error).message,
          retryInMs: waitMs,
          output: child?.logTail.slice(-2000),
        });
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    }
  }

  private onChildMessage(child: MenderChild, message: ChildMessage): void {
    if (child !== this.serving) return;
    if (message.type === 'self_update') void this.requestUpdate(message);
    else if (message.type === 'rollback') void this.requestRollback(message.requestedBy);
    else if (message.type === 'step_completed' && this.trial) {
      this.trial.stepCompleted();
      this.state = { ...this.state, current: this.trial.update };
      this.save();
    }
  }

  private onChildExit(child: MenderChild, at: number): void {
    if (this.stopping || child !== this.serving) return;
    this.serving = undefined;
    this.forwarder.point(undefined);
    this.options.log.warn('the serving version exited', { version: this.state.active.commit.slice(0, 12), output: child.logTail.slice(-2000) });
    void this.serial(async () => {
      const trial = this.trial;
      if (!trial) return this.serveActive();
      trial.exited(at);
      return this.judge(trial, true, await child.finalLogTail(), at);
    });
  }

  // — updates —

  private async update(request: { commit: string; operationId: string | null; requestedBy: string }): Promise<void> {
    const requested: SelfUpdate = {
      id: `self_${crypto.randomBytes(6).toString('hex')}`,
      commit: request.commit,
      previousCommit: this.state.active.commit,
      operationId: request.operationId,
      requestedBy: request.requestedBy,
      phase: 'preparing',
      slot: this.slots.nextSlot(this.state.active),
      requestedAt: new Date().toISOString(),
      probation: { requiredMs: this.rules.probationMs, stepCompleted: false, exits: [] },
      timings: {},
    };
    const busy = this.state.current && !finishedSelfUpdatePhases.has(this.state.current.phase) ? this.state.current : undefined;
    if (busy) {
      // Main moved again while a version is on trial: this one comes next, in the order asked.
      this.state = { ...this.state, queued: [...(this.state.queued ?? []), request] };
      this.save();
      this.options.log.info('a self-update waits for the one in flight', { commit: request.commit.slice(0, 12), inFlight: busy.id, phase: busy.phase });
      return;
    }
    this.state = { ...this.state, current: requested };
    this.record(requested, 'self_update.requested', { commit: request.commit, requestedBy: request.requestedBy });
    this.save();
    const requestedAt = Date.now();
    if (await this.slots.sameTree(request.commit, this.state.active.commit)) {
      // A revert back to what runs, say: nothing to start, the running version is that commit.
      this.state = { ...this.state, active: { ...this.state.active, commit: request.commit } };
      return this.finish(requested, { phase: 'blessed', reason: 'the commit has the tree of the running version: nothing to restart' }, 'self_update.blessed', {
        sameTree: true,
      });
    }
    let prepared;
    try {
      const options = { build: this.options.settings.selfBuild, timeoutMs: this.startTimeoutMs * 5 };
      prepared = await this.slots.prepare(request.commit, this.state.active, { ...options, slot: this.slots.nextSlot(this.state.active) });
      // The checkout's files already moved to the merged commit: going back needs the running
      // version in a release folder of its own.
      if (this.state.active.slot === 'checkout') {
        const snapshot = await this.slots.prepare(this.state.active.commit, this.state.active, { ...options, slot: 'b', snapshot: true });
        this.state = { ...this.state, active: snapshot.version };
      }
    } catch (error) {
      const refused = error instanceof PreparationError && error.refused;
      const reason = (error as Error).message;
      return this.finish(requested, { phase: 'failed', reason: `not started: ${reason}` }, 'self_update.failed', { reason, refused });
    }
    if (prepared.migrates && !this.backup) {
      // On a PostgreSQL server the new version would migrate the database the old one still
      // serves from, and there is no copy to go back to: a person applies such a version.
      const reason =
        'it brings database migrations and Mender runs on a PostgreSQL server, where the supervisor keeps no backup to revert to; apply it by hand (back the database up, then restart the supervisor from the checkout)';
      return this.finish(requested, { phase: 'failed', reason: `not started: ${reason}` }, 'self_update.failed', { reason, refused: true });
    }
    const update: SelfUpdate = {
      ...requested,
      commit: prepared.version.commit,
      phase: 'starting',
      migrates: prepared.migrates,
      preparedAt: new Date().toISOString(),
      timings: { prepareMs: prepared.prepareMs },
    };
    this.state = { ...this.state, current: update };
    this.record(update, 'self_update.prepared', { slot: update.slot, prepareMs: prepared.prepareMs, migrates: prepared.migrates });
    this.save();
    let next: MenderChild;
    try {
      next = await this.launcher.launch(prepared.version);
    } catch (error) {
      // It never got as far as the database: the old version kept serving throughout.
      const faultAt = Date.now();
      return this.sendBack(update, 'crash_at_start', (error as Error).message, faultAt, false, lastOutput(error));
    }
    let handover: HandoverTimings;
    try {
      handover = await this.handover(next, update.id, prepared.migrates);
    } catch (error) {
      const failure = error as HandoverFailure;
      return this.sendBack(update, failure.revertCause, failure.message, failure.faultAt, false, next.logTail);
    }
    const switched: SelfUpdate = {
      ...update,
      phase: 'probation',
      switchedAt: new Date().toISOString(),
      timings: { ...update.timings, ...handover, requestToServingMs: Date.now() - requestedAt },
      probation: { ...update.probation, healthySince: new Date().toISOString() },
    };
    this.trial = new Trial(switched, prepared.version, this.rules);
    this.state = { ...this.state, previous: this.state.active, active: prepared.version, current: switched };
    this.record(switched, 'self_update.switched', { ...handover, requestToServingMs: switched.timings.requestToServingMs });
    this.save();
  }

  /**
   * Moves the traffic from the serving version to `next`. On the embedded database only one
   * process may have it open: new connections wait while the old version finishes its requests
   * and lets go, the database is copied aside, and the new one takes over. On a PostgreSQL server
   * the new version takes over first and the old one drains after the switch.
   */
  private async handover(next: MenderChild, updateId: string, migrates: boolean): Promise<HandoverTimings> {
    const started = Date.now();
    const old = this.serving;
    const fail = (error: unknown): never => {
      void next.kill();
      const failure = error as ChildFailure;
      const cause: SelfRevertCause = failure.kind === 'exited' ? 'crash_at_start' : 'not_ready';
      throw new HandoverFailure(cause, failure.message, Date.now());
    };
    const drainMs = this.options.settings.selfDrainSeconds * 1000;
    if (this.backup) {
      this.forwarder.point(undefined);
      this.serving = undefined;
      await old?.stop(drainMs);
      const drained = Date.now();
      // Only a version that brings migrations can leave the database unfit for the one before it.
      const backupMs = migrates ? this.backup.take(updateId) : 0;
      const opened = Date.now();
      const port = await this.launcher.takeOver(next).catch(fail);
      this.serving = next;
      this.forwarder.point(port);
      return { handoverMs: Date.now() - started, drainMs: drained - started, backupMs, takeOverMs: Date.now() - opened };
    }
    const port = await this.launcher.takeOver(next).catch(fail);
    this.serving = next;
    this.forwarder.point(port);
    const takeOverMs = Date.now() - started;
    await old?.stop(drainMs);
    return { handoverMs: takeOverMs, takeOverMs, drainMs: Date.now() - started - takeOverMs };
  }

  /** Each health interval: probe the serving version and judge the one on trial. */
  private async watch(): Promise<void> {
    const child = this.serving;
    if (!child?.port) return;
    const healthy = await probeHealth(child.port);
    const trial = this.trial;
    if (!trial || child !== this.serving) {
      if (!healthy) this.options.log.warn('the serving version failed its /health check', { version: this.state.active.commit.slice(0, 12) });
      return;
    }
    trial.health(healthy);
    await this.judge(trial, false, child.logTail, Date.now());
  }

  private async judge(trial: Trial, justExited: boolean, logTail: string, at: number): Promise<void> {
    const verdict = trial.verdict(justExited);
    if (verdict.kind === 'bless') {
      this.trial = undefined;
      return this.finish(trial.update, { phase: 'blessed' }, 'self_update.blessed', { healthyForMs: trial.healthyForMs() });
    }
    if (verdict.kind === 'revert') return this.sendBack(trial.update, verdict.cause, verdict.reason, at, true, logTail);
    if (verdict.kind === 'restart') {
      this.options.log.warn('restarting the version on probation', { reason: verdict.reason });
      try {
        const child = await this.launcher.launch(trial.version);
        const port = await this.launcher.takeOver(child);
        this.serving = child;
        this.forwarder.point(port);
      } catch (error) {
        trial.exited();
        return this.judge(trial, true, lastOutput(error) ?? logTail, at);
      }
      this.state = { ...this.state, current: trial.update };
      this.save();
    }
  }

  /**
   * Back to the version before: the one on trial (or that failed to take over) is stopped, the
   * database backup restored when it had migrated it, and the previous version started again.
   */
  private async sendBack(
    update: SelfUpdate,
    cause: SelfRevertCause,
    reason: string,
    faultAt: number,
    switched: boolean,
    logTail: string | undefined,
  ): Promise<void> {
    this.trial = undefined;
    if (switched) {
      const bad = this.serving;
      this.serving = undefined;
      this.forwarder.point(undefined);
      await bad?.stop(5000);
      if (this.state.previous) this.state = { ...this.state, active: this.state.previous, previous: undefined };
    }
    // Not serving: the bad version had the database (it took over, or failed while taking over).
    // Serving: it never got that far, and the old version did not stop; nothing waited.
    const restoredBackup = update.migrates === true && this.serving === undefined && this.restoreBackup(update.id);
    if (!this.serving) await this.serveActive();
    const faultToServingMs = Date.now() - faultAt;
    this.finish(
      update,
      { phase: 'reverted', cause, reason, logTail: logTail?.slice(-4000), restoredBackup, timings: { ...update.timings, faultToServingMs } },
      'self_update.reverted',
      { cause, reason, restoredBackup, faultToServingMs },
    );
    this.options.log.warn('reverted a self-update', { update: update.id, commit: update.commit.slice(0, 12), cause, reason, faultToServingMs });
  }

  private async rollback(requestedBy: string): Promise<void> {
    if (this.trial) return this.sendBack(this.trial.update, 'manual', `rolled back by ${requestedBy}`, Date.now(), true, this.serving?.logTail);
    const previous = this.state.previous;
    const update: SelfUpdate = {
      id: `self_${crypto.randomBytes(6).toString('hex')}`,
      commit: previous?.commit ?? this.state.active.commit,
      previousCommit: this.state.active.commit,
      operationId: null,
      requestedBy,
      phase: 'starting',
      slot: previous?.slot ?? this.state.active.slot,
      requestedAt: new Date().toISOString(),
      probation: { requiredMs: 0, stepCompleted: false, exits: [] },
      timings: {},
    };
    if (!previous) {
      this.record(update, 'self_update.refused', { reason: 'there is no previous version to go back to' });
      this.save();
      return;
    }
    const started = Date.now();
    const next = await this.launcher.launch(previous);
    const { handoverMs } = await this.handover(next, update.id, false);
    this.state = { ...this.state, active: previous, previous: undefined };
    this.finish(
      update,
      {
        phase: 'reverted',
        cause: 'manual',
        reason: `rolled back by ${requestedBy}`,
        switchedAt: new Date().toISOString(),
        timings: { handoverMs, requestToServingMs: Date.now() - started },
      },
      'self_update.reverted',
      { cause: 'manual', requestedBy, handoverMs },
    );
  }

  // — state —

  private finish(update: SelfUpdate, fields: Partial<SelfUpdate>, type: SelfEventType, data: Record<string, unknown>): void {
    const finished: SelfUpdate = { ...update, ...fields, finishedAt: new Date().toISOString() };
    this.state = { ...this.state, current: undefined, history: [finished, ...this.state.history] };
    this.record(finished, type, data);
    this.save();
    this.takeNextQueued();
  }

  /** The next update asked for while one was in flight (kept in the state file across restarts). */
  private takeNextQueued(): void {
    const [next, ...rest] = this.state.queued ?? [];
    if (!next) return;
    this.state = { ...this.state, queued: rest };
    this.save();
    void this.requestUpdate(next);
  }

  private record(update: SelfUpdate, type: SelfEventType, data: Record<string, unknown>): void {
    this.state = withEvent(this.state, update, type, data, new Date());
    this.options.log.info(type, { update: update.id, commit: update.commit.slice(0, 12), operation: update.operationId, ...data });
  }

  private save(): void {
    this.stateFile.write(this.state);
    this.serving?.send({ type: 'state', state: this.state });
  }

  private restoreBackup(updateId: string): boolean {
    if (!this.backup?.holds(updateId)) return false;
    this.backup.restore(updateId);
    return true;
  }

  private get startTimeoutMs(): number {
    return this.options.settings.selfStartTimeoutSeconds * 1000;
  }
}
