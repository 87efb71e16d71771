import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CommandDeployer } from './command-deployer.ts';
import { parseCommandTargetSettings } from './command-target-settings.ts';
import { defineDeployerConformance } from '../testing/deployer-conformance.ts';
import { commitThreeReleases } from '../testing/three-commit-repository.ts';

// A platform made of files in PLATFORM: a commit whose tree holds BROKEN fails its build.
const scripts = {
  deploy:
    'if git cat-file -e "$MENDER_COMMIT:BROKEN" 2>/dev/null; then echo "build failed: $(git show "$MENDER_COMMIT:BROKEN")"; exit 1; fi; echo "$MENDER_COMMIT" > "$PLATFORM/live-$MENDER_ENVIRONMENT"',
  status: 'test -f "$PLATFORM/live-$MENDER_ENVIRONMENT" || exit 3; printf \'{"commit":"%s"}\\n\' "$(cat "$PLATFORM/live-$MENDER_ENVIRONMENT")"',
  rollback: 'echo "$MENDER_PREVIOUS_COMMIT" > "$PLATFORM/live-$MENDER_ENVIRONMENT"',
};

defineDeployerConformance('command', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-command-conformance-'));
  const checkout = path.join(root, 'app');
  const platform = path.join(root, 'platform');
  fs.mkdirSync(checkout);
  fs.mkdirSync(platform);
  const commits = commitThreeReleases(checkout, { 'README.md': 'an app\n' }, { BROKEN: 'missing DATABASE_URL' });
  const make = () => new CommandDeployer({ settings: parseCommandTargetSettings({ ...scripts, env: { PLATFORM: platform } }), repoName: 'app', checkout });
  return {
    deployer: make(),
    restart: make,
    repoId: 'repo-app',
    environment: 'staging',
    commits,
    serving: async () => fs.readFileSync(path.join(platform, 'live-staging'), 'utf8').trim() || undefined,
    cleanup: async () => fs.rmSync(root, { recursive: true, force: true }),
  };
});
