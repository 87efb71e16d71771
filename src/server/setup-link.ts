import type { Logger } from '../logging/logger.ts';
import type { SetupTokenStore } from '../store/setup-token-store.ts';

/** The address a person can open: a wildcard listen address is reached as localhost. */
function reachableBase(host: string, port: number): string {
  const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}`;
}

/**
 * At start, while no admin has a password: a fresh one-time link to create one (replacing the
 * previous link), logged and printed once as plain text so a person sees it among the log lines.
 */
export async function announceSetupLink(options: {
  setupTokens: SetupTokenStore;
  log: Logger;
  print: (line: string) => void;
  host: string;
  port: number;
}): Promise<string | undefined> {
  if (!(await options.setupTokens.needed())) return undefined;
  const token = await options.setupTokens.issue();
  const link = `${reachableBase(options.host, options.port)}/setup?token=${token}`;
  options.log.warn('no admin can sign in to the dashboard yet: open the setup link to create one (valid 24 hours, once)', { setupLink: link });
  options.print(`\nCreate Mender's first admin (one use, valid 24 hours): ${link}\n\n`);
  return link;
}
