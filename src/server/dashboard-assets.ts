import fs from 'node:fs';
import path from 'node:path';
import type { Context, Env, Hono } from 'hono';

/** Where `npm run build:web` puts the dashboard. */
export const defaultDashboardDirectory = path.resolve(import.meta.dirname, '../../web/dist');

/** Paths that belong to the API and other machine interfaces: never answered with the dashboard. */
const reservedPrefixes = ['/api', '/health', '/metrics', '/webhooks', '/mcp'];

/**
 * The page loads only its own scripts and styles, talks only to its own origin and cannot be framed:
 * an injected `<script>` or inline handler would not run even if some text slipped through unescaped.
 */
export const dashboardContentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

// Vite names everything under assets/ by content hash, so a changed file gets a new name.
const immutableCache = 'public, max-age=31536000, immutable';

function isReserved(requestPath: string): boolean {
  return reservedPrefixes.some((prefix) => requestPath === prefix || requestPath.startsWith(`${prefix}/`));
}

function securityHeaders(contentType: string, cacheControl: string): Record<string, string> {
  return {
    'content-type': contentType,
    'cache-control': cacheControl,
    'content-security-policy': dashboardContentSecurityPolicy,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'same-origin',
  };
}

/** The file under `directory` that `requestPath` names, or undefined when it escapes it or is not a file. */
function fileFor(directory: string, requestPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(requestPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const resolved = path.resolve(directory, `.${path.posix.normalize(`/${decoded}`)}`);
  if (resolved !== directory && !resolved.startsWith(`${directory}${path.sep}`)) return undefined;
  try {
    return fs.statSync(resolved).isFile() ? resolved : undefined;
  } catch {
    return undefined;
  }
}

async function sendFile(c: Context, file: string, cacheControl: string): Promise<Response> {
  const body = await fs.promises.readFile(file);
  const contentType = contentTypes[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  return c.body(body, 200, securityHeaders(contentType, cacheControl));
}

/**
 * Serves the built dashboard at `/`: files from `web/dist`, and index.html for any other page path
 * (the dashboard routes in the browser). Register it after every other route. It reads nothing
 * from the context, so it takes any app's environment (the server's, or a test's bare one).
 */
export function registerDashboardAssets<Environment extends Env>(app: Hono<Environment>, options: { directory?: string } = {}): void {
  const directory = path.resolve(options.directory ?? defaultDashboardDirectory);
  app.get('*', async (c) => {
    const requestPath = c.req.path;
    if (isReserved(requestPath)) return c.notFound();
    const index = path.join(directory, 'index.html');
    if (!fs.existsSync(index)) {
      return c.text(
        'The dashboard is not built: run `npm run build:web` (`npm start` builds it when it is missing), then reload.\n',
        503,
        securityHeaders('text/plain; charset=utf-8', 'no-store'),
      );
    }
    const file = requestPath === '/' ? undefined : fileFor(directory, requestPath);
    if (file && path.basename(file) !== 'index.html') {
      const hashed = file.startsWith(path.join(directory, 'assets') + path.sep);
      return sendFile(c, file, hashed ? immutableCache : 'no-cache');
    }
    // A missing file (a name with an extension, or a stale hashed asset) is a 404; a page path is the app.
    if (path.posix.extname(requestPath) !== '' || requestPath.startsWith('/assets/')) {
      return c.text(`no file ${requestPath}\n`, 404, securityHeaders('text/plain; charset=utf-8', 'no-cache'));
    }
    return sendFile(c, index, 'no-cache');
  });
}
