import { z } from 'zod';
import { define, positiveInteger, stringList, jsonSetting } from '../setting-definition.ts';

/** Detection: ingest limits, severity rules, health checks, logs and storm control. */
export const detectionSettings = {
  // — detection —
  detectMaxEnvelopeBytes: define({
    key: 'detectMaxEnvelopeBytes',
    env: ['MENDER_DETECT_MAX_ENVELOPE_BYTES'],
    schema: positiveInteger,
    default: 10_485_760,
    description: 'Largest Sentry envelope (after decompression) the ingest endpoints accept; one event item may be at most 1 MiB.',
  }),
  detectRateLimitPerMinute: define({
    key: 'detectRateLimitPerMinute',
    env: ['MENDER_DETECT_RATE_LIMIT_PER_MINUTE'],
    schema: positiveInteger,
    default: 60_000,
    description: 'Events one project may send per minute (a project can set its own); over it, 429 with Retry-After and X-Sentry-Rate-Limits.',
  }),
  detectSeverityRules: define({
    key: 'detectSeverityRules',
    env: ['MENDER_DETECT_SEVERITY_RULES'],
    schema: z.string().optional(),
    default: undefined,
    description: 'JSON file of severity rules replacing the defaults (src/detect/default-severity-rules.json has the shape); first match wins.',
  }),
  detectCriticalRoutes: define({
    key: 'detectCriticalRoutes',
    env: ['MENDER_DETECT_CRITICAL_ROUTES'],
    schema: stringList,
    default: [],
    description: 'Route patterns whose error spikes are P0 (comma-separated; `*` within a segment, `**` across), e.g. /checkout/**,/api/payments/*.',
  }),
  detectHealthChecks: define({
    key: 'detectHealthChecks',
    env: ['MENDER_DETECT_HEALTH_CHECKS'],
    schema: jsonSetting(
      z.array(
        z
          .object({
            url: z.url(),
            project: z.string().min(1),
            intervalSeconds: z.number().positive().default(30),
            timeoutMs: z.number().int().positive().default(5000),
            expectedStatus: z.number().int().min(100).max(599).default(200),
          })
          .strict(),
      ),
      'a JSON list: [{"url": "http://app/health", "project": "shop", "intervalSeconds": 30, "timeoutMs": 5000, "expectedStatus": 200}]',
    ),
    default: [],
    description:
      'URLs polled by health checks, as JSON [{url, project, intervalSeconds?, timeoutMs?, expectedStatus?}]; a failure is an event (P0 by the default rules).',
  }),
  detectLogFiles: define({
    key: 'detectLogFiles',
    env: ['MENDER_DETECT_LOG_FILES'],
    schema: jsonSetting(
      z.array(z.object({ path: z.string().min(1), project: z.string().min(1) }).strict()),
      'a JSON list: [{"path": "/var/log/app.log", "project": "shop"}]',
    ),
    default: [],
    description: 'Log files to follow, as JSON [{path, project}]; error lines become events. Rotation and truncation are followed.',
  }),
  detectPublicUrl: define({
    key: 'detectPublicUrl',
    env: ['MENDER_DETECT_PUBLIC_URL'],
    schema: z.url().optional(),
    default: undefined,
    description: 'Base URL applications reach Mender at, used in DSNs (default: the address the request came to).',
  }),
  detectDigestBatchSize: define({
    key: 'detectDigestBatchSize',
    env: ['MENDER_DETECT_DIGEST_BATCH_SIZE'],
    schema: positiveInteger,
    default: 1000,
    description: 'Accepted requests (each with its events) grouped per digest transaction.',
  }),
  detectP2DelaySeconds: define({
    key: 'detectP2DelaySeconds',
    env: ['MENDER_DETECT_P2_DELAY_SECONDS'],
    schema: z.coerce.number().int().min(0),
    default: 3600,
    description: 'Wait before a fix starts for a P2 issue (P0/P1 start at once).',
  }),
  detectP3DelaySeconds: define({
    key: 'detectP3DelaySeconds',
    env: ['MENDER_DETECT_P3_DELAY_SECONDS'],
    schema: z.coerce.number().int().min(0),
    default: 86_400,
    description: 'Wait before a fix starts for a P3 issue (P4 is only logged for review).',
  }),
  detectRetryCooldownSeconds: define({
    key: 'detectRetryCooldownSeconds',
    env: ['MENDER_DETECT_RETRY_COOLDOWN_SECONDS'],
    schema: z.coerce.number().int().min(0),
    default: 900,
    description:
      'After a fix operation for an issue fails, the next one starts no sooner than this (and only if the error goes on); after 3 failures the issue waits for a human.',
  }),
} as const;
