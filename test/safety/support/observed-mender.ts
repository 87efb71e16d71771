import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadSettings } from '../../../src/config/load-settings.ts';
import { startMender, type RunningMender } from '../../../src/server/start-mender.ts';

export const observedAdminToken = 'safety-admin-token-0123456789';

export interface ObservedMender extends RunningMender {
  dataDir: string;
  /** Every line Mender's own logger wrote (to stderr), as written. */
  logs: string[];
  call(method: string, route: string, body?: unknown): Promise<{ status: number; json: any; text: string }>;
  waitForStatus(id: string, statuses: string[], timeoutMs?: number): Promise<any>;
  close(): Promise<void>;
}

/**
 * Mender in this process with the logger it builds for itself: redacting, writing JSON lines to
 * stderr, which is captured here. (test/support/mender-under-test.ts injects a logger that does
 * not redact, so its logs cannot show whether a secret would reach a production log.)
 */
export async function startObservedMender(env: Record<string, string>): Promise<ObservedMender> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-safety-data-'));
  const logs: string[] = [];
  const originalWrite = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    logs.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof process.stderr.write;
  const settingsEnv = {
    MENDER_DATA_DIR: dataDir,
    MENDER_PORT: '0',
    MENDER_ADMIN_TOKEN: observedAdminToken,
    MENDER_MODEL_RETRIES: '0',
    MENDER_TWO_PERSON_RULE: 'false',
    MENDER_LOG_LEVEL: 'debug',
    ...env,
  };
  let running: RunningMender;
  try {
    running = await startMender(loadSettings(settingsEnv, dataDir), { env: settingsEnv });
  } catch (error) {
    process.stderr.write = originalWrite;
    throw error;
  }

  const call: ObservedMender['call'] = async (method, route, body) => {
    const response = await running.app.request(route, {
      method,
      headers: { authorization: `Bearer ${observedAdminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, json, text };
  };
  const waitForStatus: ObservedMender['waitForStatus'] = async (id, statuses, timeoutMs = 120_000) => {
    const deadline = Date.now() + timeoutMs;
    let last: any;
    while (Date.now() < deadline) {
      last = (await call('GET', `/api/operations/${id}`)).json;
      if (statuses.includes(last?.status)) return last;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`operation ${id} did not reach ${statuses.join('|')} within ${timeoutMs} ms; it is ${last?.status}: ${last?.failureReason ?? ''}`);
  };
  return {
    ...running,
    dataDir,
    logs,
    call,
    waitForStatus,
    close: async () => {
      try {
        await running.stop();
      } finally {
        process.stderr.write = originalWrite;
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}
