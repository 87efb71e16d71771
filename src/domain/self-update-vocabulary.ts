/**
 * The vocabulary of self-maintenance (issue 17): Mender running under its supervisor, which owns
 * the public port and runs one version of Mender at a time as its child. A leaf module, imported
 * by the supervisor, the server, the CLI and the web app.
 *
 * A version is one commit in one folder: the checkout the supervisor was started from, or one of
 * two release slots (`a`, `b`, A/B as on phones) under `<dataDir>/self/slots/`. A self-update
 * moves from the active version to a new one: `preparing` (release folder, dependencies, build),
 * `starting` (the new process boots and takes over the database), `probation` (it serves; on
 * trial until healthy for the probation time and one operation step ran), then `blessed` (now the
 * known-good version) or `reverted` (back on the previous version, backup restored when the new
 * one had migrated the database), or `failed` (never served: preparation failed or it was
 * refused; the active version kept serving).
 */
export const selfUpdatePhases = ['preparing', 'starting', 'probation', 'blessed', 'reverted', 'failed'] as const;
export type SelfUpdatePhase = (typeof selfUpdatePhases)[number];

export const finishedSelfUpdatePhases: ReadonlySet<SelfUpdatePhase> = new Set<SelfUpdatePhase>(['blessed', 'reverted', 'failed']);

export type SlotName = 'checkout' | 'a' | 'b';

/** One version of Mender: a commit in a folder. */
export interface SelfVersion {
  commit: string;
  slot: SlotName;
  folder: string;
}

/** Why a version on trial was sent back. */
export const selfRevertCauses = ['crash_at_start', 'crash_in_probation', 'health_failing', 'not_ready', 'manual', 'supervisor_restart'] as const;
export type SelfRevertCause = (typeof selfRevertCauses)[number];

export interface SelfUpdate {
  id: string;
  commit: string;
  previousCommit: string;
  /** The operation whose merge asked for this version (null: asked by hand). */
  operationId: string | null;
  requestedBy: string;
  phase: SelfUpdatePhase;
  slot: SlotName;
  requestedAt: string;
  preparedAt?: string;
  /** When the new version took the traffic. */
  switchedAt?: string;
  finishedAt?: string;
  /** Why it was reverted or failed, in words. */
  reason?: string;
  cause?: SelfRevertCause;
  /** The new version's last output lines, when it was reverted or failed. */
  logTail?: string;
  /** The new version adds or changes migrations: reverting it restores the database backup. */
  migrates?: boolean;
  /** The database folder was restored from the backup taken before the switch. */
  restoredBackup?: boolean;
  probation: {
    /** How long the new version must stay healthy. */
    requiredMs: number;
    healthySince?: string;
    /** An operation step ran end to end on the new version. */
    stepCompleted: boolean;
    /** The new version's exits while on trial. */
    exits: string[];
  };
  timings: {
    prepareMs?: number;
    /** From asking the old version to let go to the new one serving: requests wait this long at most. */
    handoverMs?: number;
    /** Parts of the handover: the old version finishing and exiting, the database copy, the new one opening it and answering /health. */
    drainMs?: number;
    backupMs?: number;
    takeOverMs?: number;
    /** From the request to the new version serving. */
    requestToServingMs?: number;
    /** From the fault to the previous version serving again. */
    faultToServingMs?: number;
  };
}

export const selfEventTypes = [
  'self_update.requested',
  'self_update.prepared',
  'self_update.switched',
  'self_update.blessed',
  'self_update.reverted',
  'self_update.failed',
  'self_update.refused',
] as const;
export type SelfEventType = (typeof selfEventTypes)[number];

/** One step of a self-update, numbered so a child records each exactly once (audit, timeline). */
export interface SelfEvent {
  seq: number;
  at: string;
  type: SelfEventType;
  updateId: string;
  operationId: string | null;
  data: Record<string, unknown>;
}

/** What the supervisor knows, written to `<dataDir>/self/state.json` after every change. */
export interface SelfState {
  supervisor: { pid: number; startedAt: string; host: string; port: number };
  active: SelfVersion;
  /** The version to go back to: the one before the active one. */
  previous?: SelfVersion;
  /** The update in flight, if any. */
  current?: SelfUpdate;
  /** Updates asked for while one was in flight, next first. */
  queued?: { commit: string; operationId: string | null; requestedBy: string }[];
  /** Finished updates, newest first (the last 50). */
  history: SelfUpdate[];
  /** The last 200 steps. */
  events: SelfEvent[];
}

/** Messages from the Mender child to its supervisor (Node's IPC channel). */
export type ChildMessage =
  /** Loaded and waiting for `takeover`: the slow part of a start happens before the handover. */
  | { type: 'standby' }
  | { type: 'ready'; port: number }
  | { type: 'step_completed'; operationId: string }
  | { type: 'self_update'; commit: string; operationId: string | null; requestedBy: string }
  | { type: 'rollback'; requestedBy: string };

/** Messages from the supervisor to its child. */
export type SupervisorMessage =
  /** Open the database and serve on this address (a standby child waits for it). */
  | { type: 'takeover'; host: string; port: number; checkout: string; state: SelfState }
  | { type: 'state'; state: SelfState }
  /** Stop serving and close the database: the next version takes over. */
  | { type: 'release' };

export const selfRepoDefaultName = 'mender';
