import crypto from 'node:crypto';

export interface HealthCheckConfig {
  url: string;
  project: string;
  intervalSeconds: number;
  timeoutMs: number;
  expectedStatus: number;
}

/**
 * Polls each URL on its interval; a wrong status, a timeout or a refused connection becomes an
 * event (source `health`, which the default rules make P0). One fingerprint per URL, so a
 * failing check is one issue however long it fails.
 */
export function startHealthChecks(
  checks: readonly HealthCheckConfig[],
  report: (project: string, event: Record<string, unknown>) => Promise<void>,
  onError: (error: unknown) => void,
): () => void {
  const timers = checks.map((check) => {
    let running = false;
    const poll = async () => {
      if (running) return;
      running = true;
      try {
        const failure = await probe(check);
        if (failure) {
          await report(check.project, {
            event_id: crypto.randomUUID().replace(/-/g, ''),
            level: 'fatal',
            logger: 'mender.health-check',
            message: `Health check failed: GET ${check.url}: ${failure}`,
            fingerprint: ['mender-health-check', check.url],
            tags: { route: safePath(check.url), health_check: check.url },
          });
        }
      } catch (error) {
        onError(error);
      } finally {
        running = false;
      }
    };
    return setInterval(() => void poll(), check.intervalSeconds * 1000);
  });
  return () => timers.forEach((timer) => clearInterval(timer));
}

async function probe(check: HealthCheckConfig): Promise<string | undefined> {
  try {
    const response = await fetch(check.url, { signal: AbortSignal.timeout(check.timeoutMs), redirect: 'manual' });
    await response.body?.cancel().catch(() => undefined);
    return response.status === check.expectedStatus ? undefined : `status ${response.status}, expected ${check.expectedStatus}`;
  } catch (error) {
    const name = (error as Error).name;
    return name === 'TimeoutError' ? `no answer within ${check.timeoutMs} ms` : `request failed (${(error as Error).message})`;
  }
}

function safePath(url: string): string | undefined {
  try {
    return new URL(url).pathname;
  } catch {
    return undefined;
  }
}
