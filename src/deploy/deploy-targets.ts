import path from 'node:path';
import type { Deployer } from './deployer.ts';
import type { DeploySettings } from './deploy-settings.ts';
import { CommandDeployer } from './command/command-deployer.ts';
import { LocalDeployer } from './local/local-deployer.ts';

interface RepositoryOfTarget {
  id: string;
  name: string;
  path: string;
}

/**
 * One deploy target per repository and environment, kept for the life of Mender: the local
 * target holds its proxies' control connections and the releases it adopted. A change of a
 * repository's settings makes a new target the next time it is asked for.
 */
export class DeployTargets {
  private readonly targets = new Map<string, { fingerprint: string; target: Deployer }>();

  /** @param root `<data folder>/deploy`: each repository's releases and proxies under its name. */
  constructor(private readonly root: string) {}

  targetFor(repo: RepositoryOfTarget, settings: DeploySettings, environment: string): Deployer {
    const key = `${repo.id}/${environment}`;
    const fingerprint = JSON.stringify([repo.path, settings]);
    const known = this.targets.get(key);
    if (known && known.fingerprint === fingerprint) return known.target;
    if (known && known.target instanceof LocalDeployer) void known.target.close();
    const target = this.create(repo, settings, environment);
    this.targets.set(key, { fingerprint, target });
    return target;
  }

  /** Lets go of the proxies' control connections; releases and proxies keep serving. */
  async close(): Promise<void> {
    for (const { target } of this.targets.values()) if (target instanceof LocalDeployer) await target.close();
    this.targets.clear();
  }

  private create(repo: RepositoryOfTarget, settings: DeploySettings, environment: string): Deployer {
    const environmentSettings = settings.environments.find((candidate) => candidate.name === environment);
    if (!environmentSettings) throw new Error(`repository ${repo.name} has no environment "${environment}"`);
    if (environmentSettings.target === 'command') {
      return new CommandDeployer({ settings: environmentSettings.command!, repoName: repo.name, checkout: repo.path });
    }
    return new LocalDeployer({
      root: path.join(this.root, repo.name, environment),
      repoPath: repo.path,
      startCommand: settings.startCommand,
      healthPath: settings.healthPath,
      env: settings.env,
      startTimeoutMs: settings.startTimeoutSeconds * 1000,
      environments: { [environment]: { publicPort: environmentSettings.publicPort } },
    });
  }
}
