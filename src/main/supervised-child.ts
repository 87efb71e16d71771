import type { LoadedConfig } from '../config/load-settings.ts';
import { SupervisorLink } from './supervisor-link.ts';
import { startMender } from './start-mender.ts';

/**
 * `mender start --supervised-child`: how the supervisor runs a version. The code is loaded before
 * it says `standby`, so the handover waits only for the database and the listen; it serves on the
 * private address the takeover names and stops when released or when the supervisor is gone.
 * Ctrl-C reaches the whole process group: the supervisor, not this process, decides the stop.
 */
export async function serveUnderSupervisor(loadSettings: () => LoadedConfig): Promise<void> {
  if (!process.send) throw new Error('--supervised-child is for the supervisor: start Mender with `mender start`');
  const link = new SupervisorLink(process);
  process.on('SIGINT', () => undefined);
  link.send({ type: 'standby' });
  const address = await link.takeover;
  const running = await startMender(loadSettings(), { supervisor: link, listenAddress: address, drainRequestsMs: 10_000 });
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= running
      .stop()
      .catch((error: unknown) => void process.stderr.write(`stopping failed: ${(error as Error).message}\n`))
      .finally(() => process.exit(0)));
  link.onRelease(() => void stop());
  process.once('disconnect', () => void stop());
  process.once('SIGTERM', () => void stop());
  link.send({ type: 'ready', port: running.port });
}
