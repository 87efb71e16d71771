// Starts a release the way Mender does and prints it, then waits to be killed: the test kills
// this process with SIGKILL to show the release outlives the process that started it.
import { ReleaseProcesses } from '../release-processes.ts';

const [root, repoPath, commit] = process.argv.slice(2) as [string, string, string];
const started = await new ReleaseProcesses(root).start(
  { release: { repoId: 'app', environment: 'staging', commit }, repoPath, startCommand: 'node server.cjs', healthPath: '/health', startTimeoutMs: 15_000 },
  new AbortController().signal,
);
process.stdout.write(`${JSON.stringify(started)}\n`);
setInterval(() => undefined, 1_000);
