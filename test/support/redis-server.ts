import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { freePort } from './mender-process.ts';

export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  url: string;
  /** Deletes every key (between tests). */
  flush(): Promise<void>;
  /** Stops the server and deletes its folder. */
  stop(): Promise<void>;
}

const skipMessage = 'redis tests skipped: redis-server is not installed (apt-get install redis-server)';
let skipReported = false;

function redisInstalled(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Whether redis-server is available; when not, prints one line and returns false — or throws under CI=true. */
export function redisAvailable(): boolean {
  if (redisInstalled()) return true;
  if (process.env.CI === 'true') throw new Error(`${skipMessage} — CI=true, so this is a failure: install redis-server on the CI machine`);
  if (!skipReported) console.log(skipMessage);
  skipReported = true;
  return false;
}

/** Sends one inline command and resolves with the first reply line (enough for PING and FLUSHALL). */
function command(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let reply = '';
    socket.once('error', reject);
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) {
        socket.end();
        resolve(reply.split('\r\n')[0] ?? '');
      }
    });
    socket.write(`${text}\r\n`);
  });
}

async function answersPing(port: number, server: ChildProcess): Promise<void> {
  for (;;) {
    if (server.exitCode !== null) throw new Error(`redis-server exited with code ${server.exitCode}`);
    try {
      if ((await command(port, 'PING')) === '+PONG') return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Starts a throwaway redis-server (no persistence) on a free loopback port, its folder in tmp. */
export async function startRedisServer(): Promise<RedisServer> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-redis-'));
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', folder], {
      stdio: 'ignore',
    });
    // A test process that dies without running afterAll must not leave a server behind.
    const kill = () => server.kill('SIGKILL');
    process.once('exit', kill);
    try {
      await answersPing(port, server);
    } catch (error) {
      // Another process may take the port between freePort and the start: try again then.
      process.removeListener('exit', kill);
      if (attempt >= 3) throw new Error(`redis-server did not start: ${(error as Error).message}`, { cause: error });
      continue;
    }
    return {
      url: `redis://127.0.0.1:${port}`,
      flush: async () => void (await command(port, 'FLUSHALL')),
      async stop() {
        process.removeListener('exit', kill);
        if (server.exitCode === null && server.signalCode === null) {
          const exited = new Promise((resolve) => server.once('exit', resolve));
          server.kill('SIGTERM');
          await exited;
        }
        fs.rmSync(folder, { recursive: true, force: true });
      },
    };
  }
}

/**
 * A vitest suite with a fresh redis-server, skipped when it is not installed (a failure under
 * CI=true). `getServer` gives the server inside tests and hooks.
 */
export function describeRedis(name: string, body: (getServer: () => RedisServer) => void): void {
  const available = redisAvailable();
  describe.skipIf(!available)(name, () => {
    let server: RedisServer | undefined;
    beforeAll(async () => {
      server = await startRedisServer();
    });
    afterAll(async () => {
      await server?.stop();
    });
    body(() => {
      if (!server) throw new Error('The Redis server is not started yet: call getServer() inside a test or hook');
      return server;
    });
  });
}
