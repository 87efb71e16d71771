import path from 'node:path';
import { LocalDeployer } from '../../src/deploy/local/local-deployer.ts';

// What the ship-and-watch suites share: taking a local environment down after a test (its proxy
// and releases outlive Mender by design), and the error events a detected issue starts from.

export interface LocalEnvironment {
  /** Mender's data folder: the environment lives under deploy/<repo>/<environment>. */
  dataDir: string;
  repo: string;
  repoPath: string;
  environment: string;
  publicPort: number;
}

export async function stopLocalEnvironment(environment: LocalEnvironment): Promise<void> {
  await new LocalDeployer({
    root: path.join(environment.dataDir, 'deploy', environment.repo, environment.environment),
    repoPath: environment.repoPath,
    startCommand: 'true',
    healthPath: '/health',
    startTimeoutMs: 10_000,
    environments: { [environment.environment]: { publicPort: environment.publicPort } },
  }).stopEnvironment(environment.environment);
}

/** A Sentry envelope of `count` identical errors in total(), reported by `release` in `environment`. */
export function totalErrorEnvelope(release: string, environment: string, count: number): string {
  const event = () => ({
    event_id: crypto.randomUUID().replace(/-/g, ''),
    level: 'error',
    release,
    environment,
    exception: {
      values: [
        { type: 'TypeError', value: 'total is wrong', stacktrace: { frames: [{ filename: '/srv/app/cart.js', function: 'total', lineno: 3, in_app: true }] } },
      ],
    },
  });
  return `{}\n${Array.from({ length: count }, () => `${JSON.stringify({ type: 'event' })}\n${JSON.stringify(event())}`).join('\n')}\n`;
}
