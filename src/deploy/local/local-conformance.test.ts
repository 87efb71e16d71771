import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineDeployerConformance } from '../testing/deployer-conformance.ts';
import { commitThreeReleases } from '../testing/three-commit-repository.ts';
import { LocalDeployer, type LocalTargetOptions } from './local-deployer.ts';
import { appServer } from './testing/app-repository.ts';

defineDeployerConformance('local', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-local-conformance-'));
  const checkout = path.join(root, 'app');
  fs.mkdirSync(checkout);
  const commits = commitThreeReleases(
    checkout,
    { 'server.cjs': appServer },
    { 'server.cjs': "console.error('Error: DATABASE_URL is not set');\nprocess.exit(3);\n" },
  );
  const options: LocalTargetOptions = {
    root: path.join(root, 'deploy'),
    repoPath: checkout,
    startCommand: 'node server.cjs',
    healthPath: '/health',
    startTimeoutMs: 15_000,
    environments: { staging: { publicPort: 0 } },
  };
  const instances: LocalDeployer[] = [];
  const make = () => {
    const deployer = new LocalDeployer(options);
    instances.push(deployer);
    return deployer;
  };
  const first = make();
  return {
    deployer: first,
    restart: make,
    repoId: 'repo-app',
    environment: 'staging',
    commits,
    serving: async () => {
      const answer = await fetch(`http://127.0.0.1:${await first.publicPort('staging')}/`);
      return answer.ok ? ((await answer.json()) as { release: string }).release : undefined;
    },
    cleanup: async () => {
      await instances.at(-1)!.stopEnvironment('staging');
      for (const instance of instances) await instance.close();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
});
