import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A plain Node HTTP app (no dependencies) that says which release it is, in a fresh git repository. */
export const appServer = `const http = require('node:http');
const release = process.env.SENTRY_RELEASE;
http
  .createServer((request, response) => {
    if (request.url === '/health') return response.end('ok');
    response.setHeader('content-type', 'application/json');
    const answer = () => response.end(JSON.stringify({ release, environment: process.env.SENTRY_ENVIRONMENT, nodeEnv: process.env.NODE_ENV }));
    // /slow keeps requests in flight, as a real app's do, while traffic moves.
    if (request.url === '/slow') setTimeout(answer, 30);
    else answer();
  })
  .listen(Number(process.env.PORT), process.env.HOST, () => console.log('listening on', process.env.PORT));
`;

export interface AppRepository {
  path: string;
  head(): string;
  cleanup(): void;
}

export function createAppRepository(): AppRepository {
  const folder = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mender-app-')));
  fs.writeFileSync(path.join(folder, 'server.cjs'), appServer);
  fs.writeFileSync(path.join(folder, 'package.json'), `${JSON.stringify({ name: 'app', scripts: { start: 'node server.cjs' } })}\n`);
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: folder, encoding: 'utf8' }).trim();
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'app');
  return { path: folder, head: () => git('rev-parse', 'HEAD'), cleanup: () => fs.rmSync(folder, { recursive: true, force: true }) };
}
