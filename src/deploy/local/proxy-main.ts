// The proxy process. Mender starts it detached (LocalProxyClient.adoptOrStart) so it, and the
// traffic it carries, outlive Mender: a restart of Mender re-adopts it through the state file.
//   node proxy-main.js --folder <dir> --port <public port> [--host 127.0.0.1] [--upstreams <json>]
import fs from 'node:fs';
import net from 'node:net';
import { parseArgs } from 'node:util';
import { startControlServer } from './control-server.ts';
import { describeIssues, upstreamsSchema, type ProxyState } from './proxy-protocol.ts';
import { proxyPaths, writeProxyState } from './proxy-state-file.ts';
import { TrafficProxy } from './traffic-proxy.ts';

const fail = (message: string): never => {
  process.stderr.write(`proxy: ${message}\n`);
  process.exit(2);
};

const { values } = parseArgs({ options: { folder: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' }, upstreams: { type: 'string' } } });
if (!values.folder) fail('--folder is required: the folder for the socket, state and log');
const requestedPort = Number(values.port);
if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) fail(`--port must be 0–65535, got ${values.port}`);
const host = values.host ?? '127.0.0.1';
const paths = proxyPaths(values.folder!);

const proxy = new TrafficProxy();
if (values.upstreams) {
  let initial: unknown;
  try {
    initial = JSON.parse(values.upstreams);
  } catch {
    fail('--upstreams is not JSON');
  }
  const parsed = upstreamsSchema.safeParse(initial);
  if (!parsed.success) fail(`--upstreams refused: ${describeIssues(parsed.error)}`);
  else proxy.setUpstreams(parsed.data);
}

const startedAt = new Date().toISOString();
const publicPort = await proxy.listen(requestedPort, host).catch((error: Error) => fail(`cannot listen on ${host}:${requestedPort}: ${error.message}`));
const state = (): ProxyState => ({ pid: process.pid, publicPort, host, socketPath: paths.socketPath, startedAt, upstreams: proxy.upstreams ?? null });

function socketAnswers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(socketPath, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  control.close();
  await proxy.close();
  fs.rmSync(paths.statePath, { force: true });
  process.exit(0);
}

// A socket file is normally left by a proxy that died. If something still answers on it, another
// proxy for this folder started first: leave it be rather than take its socket away.
if (await socketAnswers(paths.socketPath)) fail(`another proxy already answers on ${paths.socketPath}`);
fs.rmSync(paths.socketPath, { force: true });
const control = await startControlServer(paths.socketPath, {
  health: () => ({ ok: true, ...state() }),
  metrics: () => ({ pid: process.pid, startedAt, at: new Date().toISOString(), releases: proxy.metrics.snapshot() }),
  setUpstreams: (upstreams) => {
    proxy.setUpstreams(upstreams);
    writeProxyState(paths, state());
  },
  stop: () => void stop(),
});
writeProxyState(paths, state());
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
// Mender's end must not end the proxy: losing the terminal is not a reason to stop serving.
process.on('SIGHUP', () => undefined);
process.stdout.write(`proxy listening on ${host}:${publicPort}, control at ${paths.socketPath}\n`);
