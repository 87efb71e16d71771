import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dashboardContentSecurityPolicy, registerDashboardAssets } from './dashboard-assets.ts';

describe('dashboard assets', () => {
  let directory: string;
  let app: Hono;

  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-dist-'));
    fs.mkdirSync(path.join(directory, 'assets'));
    fs.writeFileSync(path.join(directory, 'index.html'), '<!doctype html><div id="root"></div>');
    fs.writeFileSync(path.join(directory, 'assets', 'index-abc123.js'), 'console.log(1)');
    fs.writeFileSync(path.join(directory, 'favicon.svg'), '<svg/>');
    fs.writeFileSync(path.join(os.tmpdir(), 'mender-outside.txt'), 'secret');
    app = new Hono();
    app.notFound((c) => c.json({ error: { code: 'not_found', message: `no route ${c.req.method} ${c.req.path}` } }, 404));
    app.get('/api/known', (c) => c.json({ ok: true }));
    registerDashboardAssets(app, { directory });
  });

  afterEach(() => fs.rmSync(directory, { recursive: true, force: true }));

  it('serves index.html at / and for page paths, never cached, with a strict CSP', async () => {
    for (const page of ['/', '/operations/abc123', '/settings', '/setup?token=x']) {
      const response = await app.request(page);
      expect(response.status, page).toBe(200);
      expect(await response.text()).toContain('<div id="root">');
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.headers.get('content-security-policy')).toBe(dashboardContentSecurityPolicy);
      expect(response.headers.get('x-frame-options')).toBe('DENY');
    }
    expect(dashboardContentSecurityPolicy).toContain("script-src 'self'");
    expect(dashboardContentSecurityPolicy).not.toContain('unsafe-inline');
  });

  it('caches hashed assets for a year and other files not at all', async () => {
    const script = await app.request('/assets/index-abc123.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const icon = await app.request('/favicon.svg');
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    expect(icon.headers.get('cache-control')).toBe('no-cache');
  });

  it('answers 404 for a missing file instead of the page', async () => {
    expect((await app.request('/assets/index-gone.js')).status).toBe(404);
    expect((await app.request('/robots.txt')).status).toBe(404);
  });

  it('leaves the API, health, metrics, webhooks and MCP paths to their routes', async () => {
    expect(await (await app.request('/api/known')).json()).toEqual({ ok: true });
    for (const reserved of ['/api/nothing', '/health', '/metrics', '/webhooks/github', '/mcp']) {
      const response = await app.request(reserved);
      expect(response.status, reserved).toBe(404);
      expect((await response.json()).error.code).toBe('not_found');
    }
    // A page whose name merely starts like a reserved one is still a page.
    expect((await app.request('/apiary')).status).toBe(200);
  });

  it('never serves a file outside the build folder', async () => {
    for (const escape of ['/../mender-outside.txt', '/%2e%2e/mender-outside.txt', '/assets/..%2f..%2fmender-outside.txt', '/%00']) {
      const response = await app.request(escape);
      expect(await response.text(), escape).not.toContain('secret');
    }
  });

  it('says how to build the dashboard when it is not built', async () => {
    fs.rmSync(path.join(directory, 'index.html'));
    const response = await app.request('/');
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('npm run build:web');
  });
});
