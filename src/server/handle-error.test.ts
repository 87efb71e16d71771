import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { IngestError } from '../detect/ingest-error.ts';
import { WebhookRejectedError } from '../integrations/webhook-rejected-error.ts';
import type { Logger } from '../logging/logger.ts';
import { createErrorHandler } from './handle-error.ts';
import { HttpError } from '../http/http-error.ts';

function recordingLogger(): Logger & { entries: { level: string; message: string; fields?: Record<string, unknown> }[] } {
  const entries: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const record = (level: string) => (message: string, fields?: Record<string, unknown>) => void entries.push({ level, message, fields });
  return { entries, debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
}

function appThrowing(error: Error, log = recordingLogger()): Hono {
  const app = new Hono();
  app.onError(createErrorHandler(log));
  app.get('/boom', () => {
    throw error;
  });
  return app;
}

describe('the one error handler', () => {
  it('answers an HttpError with its status, code, message and headers', async () => {
    const response = await appThrowing(new HttpError(429, 'rate_limited', 'slow down', undefined, { 'retry-after': '7' })).request('/boom');
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(await response.text()).toBe('{"error":{"code":"rate_limited","message":"slow down"}}');
  });

  it('answers a webhook refusal as an HttpError', async () => {
    const response = await appThrowing(new WebhookRejectedError(401, 'missing_signature', 'X-Slack-Signature is missing')).request('/boom');
    expect(response.status).toBe(401);
    expect(await response.text()).toBe('{"error":{"code":"missing_signature","message":"X-Slack-Signature is missing"}}');
  });

  it("answers an ingest refusal in Sentry's shape, with its headers", async () => {
    const error = new IngestError(429, 'rate_limited', 'project 1 may send 2 events per minute', {
      'retry-after': '30',
      'x-sentry-rate-limits': '30::project',
    });
    const response = await appThrowing(error).request('/boom');
    expect(response.status).toBe(429);
    expect(response.headers.get('x-sentry-rate-limits')).toBe('30::project');
    expect(await response.text()).toBe(
      '{"detail":"project 1 may send 2 events per minute","error":{"code":"rate_limited","message":"project 1 may send 2 events per minute"}}',
    );
  });

  it('logs an unexpected error through the logger and tells the caller only where to look', async () => {
    const log = recordingLogger();
    const response = await appThrowing(new Error('the disk caught fire'), log).request('/boom');
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: { code: 'internal_error', message: 'internal error; see the Mender log' } });
    expect(log.entries).toHaveLength(1);
    expect(log.entries[0]).toMatchObject({ level: 'error', fields: { method: 'GET', path: '/boom' } });
    expect(String(log.entries[0]!.fields!.error)).toContain('the disk caught fire');
  });
});
