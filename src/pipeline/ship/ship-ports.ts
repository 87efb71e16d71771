import type { Deployer } from '../../deploy/deployer.ts';
import type { DeploySettings } from '../../deploy/deploy-settings.ts';
import type { FingerprintCount } from '../../deploy/judge/canary-observation.ts';
import type { RepoRow } from '../../store/repo-store.ts';

/** The deploy target of one environment of a repository (one instance per repository, kept: targets hold running state). */
export interface DeployTargetsPort {
  targetFor(repo: RepoRow, settings: DeploySettings, environment: string): Deployer;
}

export interface ReleaseErrorQuery {
  repoId: string;
  environment: string;
  release: string;
}

/** Error groups per release from Mender's own Sentry-compatible ingest (the detection room answers). */
export interface ReleaseErrorsPort {
  /** Groups the release produced since a time, with events and distinct users. */
  fingerprints(query: ReleaseErrorQuery & { since: Date }): Promise<FingerprintCount[]>;
  /** Groups the release produced before a time: not new, whatever the canary does. */
  knownBefore(query: ReleaseErrorQuery & { before: Date }): Promise<string[]>;
}
