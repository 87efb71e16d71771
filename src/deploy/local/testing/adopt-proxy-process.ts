// Test helper run as its own process: starts (or adopts) a proxy the way Mender does, prints its
// pid and port as one JSON line, then idles until killed — standing in for a Mender that dies.
//   node bin/run-ts.mjs src/deploy/local/testing/adopt-proxy-process.ts <folder> <upstreams json>
import { LocalProxyClient } from '../local-proxy-client.ts';
import { upstreamsSchema } from '../proxy-protocol.ts';

const [folder, upstreams] = process.argv.slice(2);
if (!folder || !upstreams) throw new Error('usage: adopt-proxy-process.ts <folder> <upstreams json>');
const client = await LocalProxyClient.adoptOrStart({ folder, publicPort: 0, upstreams: upstreamsSchema.parse(JSON.parse(upstreams)) });
process.stdout.write(`${JSON.stringify({ pid: client.pid, publicPort: client.publicPort, adopted: client.adopted })}\n`);
setInterval(() => undefined, 60_000);
