import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadedConfig } from '../config/load-settings.ts';
import { createLogger } from '../logging/logger.ts';
import { Supervisor } from './supervisor.ts';

/** The folder this code runs from (src/ or dist/ under it): the checkout versions come from. */
const checkout = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `mender start`: the supervisor in this process, the Mender server as its child; stops on SIGINT/SIGTERM. */
export async function runSupervisor(config: LoadedConfig, childEnv: Record<string, string> = {}): Promise<Supervisor> {
  const { settings } = config;
  const log = createLogger(settings.logLevel, (text) => text);
  const supervisor = new Supervisor({ settings, checkout, cwd: process.cwd(), env: { ...process.env, ...childEnv }, log });
  await supervisor.start();
  process.stdout.write(
    `Mender is listening on ${supervisor.url} under its supervisor (API token in ${path.join(settings.dataDir, 'admin-token')} unless MENDER_ADMIN_TOKEN is set)\n`,
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await supervisor.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  return supervisor;
}
