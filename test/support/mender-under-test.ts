import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadSettings } from '../../src/config/load-settings.ts';
import { startMender, type RunningMender, type StartOptions } from '../../src/main/start-mender.ts';
import { copyMigratedDatabase } from './pglite-copies.ts';

export const adminToken = 'test-admin-token-0123456789';

export interface MenderUnderTest extends RunningMender {
  dataDir: string;
  logs: string[];
  call(method: string, route: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; json: any; text: string }>;
  waitForStatus(id: string, statuses: string[], timeoutMs?: number): Promise<any>;
  close(): Promise<void>;
}

/** Mender in this process on a temporary data folder, with settings as a user would give them. */
export async function startMenderUnderTest(
  env: Record<string, string> = {},
  options: Pick<StartOptions, 'clock' | 'supervisor' | 'drainRequestsMs'> = {},
): Promise<MenderUnderTest> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-data-'));
  if (!env.DATABASE_URL) await copyMigratedDatabase(path.join(dataDir, 'db'));
  const logs: string[] = [];
  // A team of one by default: the same admin asks and approves; tests of the two-person rule turn it on.
  const settingsEnv = {
    MENDER_DATA_DIR: dataDir,
    MENDER_PORT: '0',
    MENDER_ADMIN_TOKEN: adminToken,
    MENDER_MODEL_RETRIES: '0',
    MENDER_TWO_PERSON_RULE: 'false',
    MENDER_LOG_LEVEL: 'debug',
    ...env,
  };
  const config = loadSettings(settingsEnv, dataDir);
  // Mender's own logger, redacting as in production; its lines are kept for the tests to read.
  const running = await startMender(config, { env: settingsEnv, logWrite: (line) => logs.push(line), ...options });
  const call: MenderUnderTest['call'] = async (method, route, body, headers = {}) => {
    const response = await running.app.request(route, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
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
  const waitForStatus: MenderUnderTest['waitForStatus'] = async (id, statuses, timeoutMs = 180_000) => {
    const deadline = Date.now() + timeoutMs;
    let last: any;
    while (Date.now() < deadline) {
      last = (await call('GET', `/api/operations/${id}`)).json;
      if (statuses.includes(last?.status)) return last;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(
      `operation ${id} did not reach ${statuses.join('|')} within ${timeoutMs} ms; it is ${last?.status}: ${last?.failureReason ?? ''}\n${logs.join('')}`,
    );
  };
  return {
    ...running,
    dataDir,
    logs,
    call,
    waitForStatus,
    close: async () => {
      await running.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
