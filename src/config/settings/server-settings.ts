import { z } from 'zod';
import { define, port, stringList } from '../setting-definition.ts';

/** Where Mender listens and keeps its data, and who may call it. */
export const serverSettings = {
  host: define({ key: 'host', env: ['MENDER_HOST'], schema: z.string().min(1), default: '127.0.0.1', description: 'Address the HTTP server listens on.' }),
  port: define({
    key: 'port',
    env: ['MENDER_PORT', 'PORT'],
    schema: port,
    default: 7420,
    description: 'Port the HTTP server listens on (`PORT` is honoured too).',
  }),
  publicUrl: define({
    key: 'publicUrl',
    env: ['MENDER_PUBLIC_URL'],
    schema: z.url().optional(),
    default: undefined,
    description:
      'Base URL people and services reach Mender at, e.g. https://mender.example.com: its host is accepted in the Host header, and with https the session cookie is Secure.',
  }),
  allowedHosts: define({
    key: 'allowedHosts',
    env: ['MENDER_ALLOWED_HOSTS'],
    schema: stringList.optional(),
    default: undefined,
    description:
      "Host names requests may name in their Host header besides loopback names, the listen address and the public URL's host (comma-separated); others get 421. Unset while listening beyond loopback without MENDER_PUBLIC_URL: any host (warned at start).",
  }),
  requestTimeoutSeconds: define({
    key: 'requestTimeoutSeconds',
    env: ['MENDER_REQUEST_TIMEOUT_SECONDS'],
    schema: z.coerce.number().positive().max(3600),
    default: 60,
    description: 'Time a client has to send a whole request (headers within the lesser of this and 30 s); slower ones get 408 and are disconnected.',
  }),
  dataDir: define({
    key: 'dataDir',
    env: ['MENDER_DATA_DIR'],
    schema: z.string().min(1),
    default: '.mender',
    description: 'Folder for the embedded database, worktrees and artifacts.',
  }),
  databaseUrl: define({
    key: 'databaseUrl',
    env: ['DATABASE_URL'],
    schema: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
      .optional(),
    default: undefined,
    description: 'Use this PostgreSQL server instead of the embedded database.',
    secret: true,
  }),
  adminToken: define({
    key: 'adminToken',
    env: ['MENDER_ADMIN_TOKEN'],
    schema: z.string().min(16, 'must be at least 16 characters').optional(),
    default: undefined,
    description: 'Bearer token for the API and CLI. When unset, one is generated into `<dataDir>/admin-token` on first start.',
    secret: true,
  }),
} as const;
