// Where an environment's proxy keeps its socket, state and log, and the state file itself. The
// proxy writes the state; Mender reads it after a restart to find the running proxy.
import fs from 'node:fs';
import path from 'node:path';
import { proxyStateSchema, type ProxyState } from './proxy-protocol.ts';

export interface ProxyPaths {
  folder: string;
  socketPath: string;
  statePath: string;
  logPath: string;
}

/** A Unix socket path longer than this fails to bind on Linux (sun_path is 108 bytes with its NUL). */
const maxSocketPathLength = 107;

/** The files of one environment's proxy, in `folder` (e.g. `<data folder>/deploy/proxy-production`). */
export function proxyPaths(folder: string): ProxyPaths {
  const socketPath = path.join(folder, 'control.sock');
  if (Buffer.byteLength(socketPath) > maxSocketPathLength) {
    throw new Error(`the proxy's control socket path ${socketPath} is longer than ${maxSocketPathLength} bytes: use a shorter data folder`);
  }
  return { folder, socketPath, statePath: path.join(folder, 'state.json'), logPath: path.join(folder, 'proxy.log') };
}

/** The last state the proxy wrote, or undefined when there is none or it does not parse. */
export function readProxyState(paths: ProxyPaths): ProxyState | undefined {
  let text: string;
  try {
    text = fs.readFileSync(paths.statePath, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = proxyStateSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Written to a temporary file and renamed, so a reader never sees half a state. */
export function writeProxyState(paths: ProxyPaths, state: ProxyState): void {
  const temporary = `${paths.statePath}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(temporary, paths.statePath);
}
