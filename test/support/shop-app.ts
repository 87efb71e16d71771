import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// A small HTTP app in its own git repository, for the ship-and-watch suites: it reports its errors
// with the real @sentry/node to the DSN it is given (Mender's ingest), and how it behaves is data
// in `behaviour.json`, so each commit is a release that is healthy, fails, is slow or does not start.

export const shopServerSource = `'use strict';
const http = require('node:http');
const Sentry = require('@sentry/node');
const behaviour = require('./behaviour.json');

Sentry.init({
  dsn: process.env.SENTRY_DSN,
  release: process.env.SENTRY_RELEASE,
  environment: process.env.SENTRY_ENVIRONMENT,
  // Every occurrence is reported (the SDK would drop an event identical to the one before it).
  integrations: (defaults) => defaults.filter((integration) => integration.name !== 'Dedupe'),
});

if (behaviour.exitAtStart) {
  console.error('cannot read the configuration: behaviour.exitAtStart is set');
  process.exit(3);
}

let cartRequests = 0;

function checkout(user) {
  cartRequests += 1;
  if (behaviour.cartFailurePercent && cartRequests % 100 < behaviour.cartFailurePercent) {
    throw new Error('cart total is undefined for this basket');
  }
  return { total: 42, user };
}

http
  .createServer((request, response) => {
    response.setHeader('x-release', String(process.env.SENTRY_RELEASE));
    if (request.url === '/health') return response.end('ok');
    const user = String(request.headers['x-user'] || 'anonymous');
    setTimeout(() => {
      if (request.url.startsWith('/cart')) {
        try {
          response.setHeader('content-type', 'application/json');
          return response.end(JSON.stringify(checkout(user)));
        } catch (error) {
          Sentry.withScope((scope) => {
            scope.setUser({ id: user });
            Sentry.captureException(error);
          });
          response.statusCode = 500;
          return response.end('internal error');
        }
      }
      response.end('items');
    }, behaviour.delayMs);
  })
  .listen(Number(process.env.PORT), '127.0.0.1');
`;

export interface Behaviour {
  delayMs: number;
  cartFailurePercent?: number;
  exitAtStart?: boolean;
}

export interface ShopApp {
  path: string;
  /** Commits a release with this behaviour; returns its commit. */
  release(behaviour: Behaviour, message: string): string;
  cleanup(): void;
}

const menderNodeModules = path.resolve(import.meta.dirname, '../../node_modules');

export function createShopApp(): ShopApp {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-shop-app-'));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
  git('init', '--quiet', '--initial-branch', 'main');
  git('config', 'user.email', 'shop@example.com');
  git('config', 'user.name', 'Shop');
  fs.writeFileSync(path.join(root, 'server.js'), shopServerSource);
  fs.writeFileSync(
    path.join(root, 'package.json'),
    JSON.stringify({ name: 'shop', private: true, scripts: { start: 'node server.js', test: 'node -e 0' } }, null, 2),
  );
  fs.writeFileSync(path.join(root, '.gitignore'), 'node_modules\n');
  // Dependencies as a team has them installed: the releases' worktrees link this folder.
  fs.symlinkSync(menderNodeModules, path.join(root, 'node_modules'));
  const release = (behaviour: Behaviour, message: string) => {
    fs.writeFileSync(path.join(root, 'behaviour.json'), `${JSON.stringify(behaviour)}\n`);
    git('add', '-A');
    git('commit', '--quiet', '-m', message);
    return git('rev-parse', 'HEAD');
  };
  return { path: root, release, cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}

export interface TrafficTally {
  sent: number;
  byStatus: Record<number, number>;
  /** Answers per release (the app's x-release header). */
  byRelease: Record<string, number>;
  /** Requests that got no HTTP answer at all (refused, reset): a switch must cause none. */
  connectionErrors: number;
  /** The first few connection errors' messages. */
  errorMessages: string[];
}

export interface TrafficGenerator {
  tally: TrafficTally;
  /** Counts since the last call, then starts a new tally. */
  take(): TrafficTally;
  stop(): Promise<void>;
}

/** Steady requests through the proxy: `perSecond` in total, alternating /cart and /items, from ten users. */
export function startTraffic(baseUrl: string, perSecond: number): TrafficGenerator {
  const fresh = (): TrafficTally => ({ sent: 0, byStatus: {}, byRelease: {}, connectionErrors: 0, errorMessages: [] });
  let tally = fresh();
  let stopped = false;
  let sequence = 0;
  const inFlight = new Set<Promise<void>>();
  const one = async () => {
    const index = sequence++;
    const counted = tally;
    counted.sent += 1;
    try {
      const response = await fetch(`${baseUrl}${index % 2 === 0 ? '/cart' : '/items'}`, { headers: { 'x-user': `user-${index % 10}` } });
      await response.arrayBuffer();
      counted.byStatus[response.status] = (counted.byStatus[response.status] ?? 0) + 1;
      const release = response.headers.get('x-release') ?? 'none';
      counted.byRelease[release] = (counted.byRelease[release] ?? 0) + 1;
    } catch (error) {
      counted.connectionErrors += 1;
      if (counted.errorMessages.length < 5) counted.errorMessages.push(String((error as Error & { cause?: Error }).cause?.message ?? error));
    }
  };
  const pace = 1000 / perSecond;
  const started = performance.now();
  const loop = (async () => {
    while (!stopped) {
      const request = one().finally(() => inFlight.delete(request));
      inFlight.add(request);
      const next = started + sequence * pace;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - performance.now())));
    }
  })();
  return {
    get tally() {
      return tally;
    },
    take() {
      const taken = tally;
      tally = fresh();
      return taken;
    },
    async stop() {
      stopped = true;
      await loop;
      await Promise.all([...inFlight]);
    },
  };
}
