import http from 'node:http';

export interface HealthAnswer {
  at: number;
  ms: number;
  status: number;
  body: any;
}

export interface HealthPolls {
  answers: HealthAnswer[];
  /** Connections refused: the port was not served at that moment. */
  refused: number;
  /** Other failures (reset, timeout, a status other than 200), in words. */
  failed: string[];
  /** Answers that took longer than `slowMs`. */
  slow: number;
  longestGapMs: number;
  bodies: any[];
}

/**
 * A client of `${url}/health` asking every `everyMs` after the previous answer, each time on a new
 * connection (as a load balancer's check does), until `stop()`; what it saw.
 */
export function pollHealth(url: string, everyMs: number, slowMs = 500): { stop(): Promise<HealthPolls> } {
  const polls: HealthPolls = { answers: [], refused: 0, failed: [], slow: 0, longestGapMs: 0, bodies: [] };
  const target = new URL('/health', url);
  let running = true;
  let lastAnswer = Date.now();
  const once = () =>
    new Promise<void>((resolve) => {
      const started = Date.now();
      const request = http.get({ host: target.hostname, port: target.port, path: target.pathname, agent: false, timeout: 30_000 }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.once('end', () => {
          const now = Date.now();
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            body = text;
          }
          polls.answers.push({ at: now, ms: now - started, status: response.statusCode ?? 0, body });
          if (response.statusCode !== 200) polls.failed.push(`status ${response.statusCode}: ${text.slice(0, 200)}`);
          if (now - started > slowMs) polls.slow += 1;
          polls.longestGapMs = Math.max(polls.longestGapMs, now - lastAnswer);
          lastAnswer = now;
          if (JSON.stringify(polls.bodies.at(-1)) !== JSON.stringify(body)) polls.bodies.push(body);
          resolve();
        });
      });
      request.once('timeout', () => request.destroy(new Error('timed out')));
      request.once('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'ECONNREFUSED') polls.refused += 1;
        else polls.failed.push(error.message);
        resolve();
      });
    });
  const loop = (async () => {
    while (running) {
      await once();
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return polls;
    },
  };
}
