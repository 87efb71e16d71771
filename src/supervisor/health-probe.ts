import http from 'node:http';

/** One GET of a version's /health on its private port: true on a 200 within the time limit. */
export function probeHealth(port: number, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get({ host: '127.0.0.1', port, path: '/health', agent: false, timeout: timeoutMs }, (response) => {
      response.resume();
      response.once('end', () => resolve(response.statusCode === 200));
      response.once('error', () => resolve(false));
    });
    request.once('timeout', () => request.destroy());
    request.once('error', () => resolve(false));
  });
}

/** Polls /health until it answers 200; false when `deadline` (epoch ms) passes first or `gone()` says the process is gone. */
export async function healthyBefore(port: number, deadline: number, gone: () => boolean): Promise<boolean> {
  while (Date.now() < deadline && !gone()) {
    if (await probeHealth(port, Math.max(100, Math.min(2000, deadline - Date.now())))) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}
