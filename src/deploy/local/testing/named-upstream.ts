// Tiny HTTP servers for tests and the bench: each answers with its own name, `/status/<code>`
// with that status, and echoes what it was sent on `/echo`, so a test can tell which release
// served a request and what arrived; `/break` and `/slow` send half an answer.
import http from 'node:http';

export interface NamedUpstream {
  name: string;
  port: number;
  close(): Promise<void>;
}

export async function startNamedUpstream(name: string): Promise<NamedUpstream> {
  const server = http.createServer((request, response) => {
    const status = /^\/status\/(\d{3})$/.exec(request.url ?? '');
    if (request.url === '/echo') {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        response.writeHead(200, { 'content-type': 'application/json', 'x-served-by': name });
        response.end(JSON.stringify({ name, headers: request.headers, body: Buffer.concat(chunks).toString() }));
      });
      return;
    }
    if (request.url === '/break' || request.url === '/slow') {
      // Half an answer, then either the connection breaks (/break) or nothing more comes (/slow).
      request.resume();
      response.writeHead(200, { 'content-type': 'text/plain', 'x-served-by': name });
      response.write('partial ');
      if (request.url === '/break') setTimeout(() => response.socket?.destroy(), 20);
      return;
    }
    request.resume();
    response.writeHead(status ? Number(status[1]) : 200, { 'content-type': 'text/plain', 'x-served-by': name });
    response.end(name);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    name,
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A port nothing listens on (bound, then released), for connection-error tests. */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
