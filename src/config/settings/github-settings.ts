import { z } from 'zod';
import { define } from '../setting-definition.ts';

/** GitHub: the app or token, webhooks and merges. */
export const githubSettings = {
  // — github —
  githubAppId: define({
    key: 'githubAppId',
    env: ['MENDER_GITHUB_APP_ID'],
    schema: z.coerce.number().int().positive().optional(),
    default: undefined,
    description: 'GitHub App id (preferred over a token): with the private key and installation id, Mender acts through short-lived installation tokens.',
  }),
  githubPrivateKey: define({
    key: 'githubPrivateKey',
    env: ['MENDER_GITHUB_PRIVATE_KEY'],
    schema: z
      .string()
      .includes('PRIVATE KEY', { message: 'must be the GitHub App private key in PEM form (-----BEGIN RSA PRIVATE KEY----- …); \\n escapes are accepted' })
      .transform((value) => value.replace(/\\n/g, '\n'))
      .optional(),
    default: undefined,
    description: 'The GitHub App private key (PEM; `\\n` escapes accepted).',
    secret: true,
  }),
  githubInstallationId: define({
    key: 'githubInstallationId',
    env: ['MENDER_GITHUB_INSTALLATION_ID'],
    schema: z.coerce.number().int().positive().optional(),
    default: undefined,
    description: 'Installation id of the GitHub App on the organisation or account that owns the repositories.',
  }),
  githubToken: define({
    key: 'githubToken',
    env: ['MENDER_GITHUB_TOKEN'],
    schema: z.string().min(6).optional(),
    default: undefined,
    description: 'GitHub token (fine-grained or classic) when no App is configured: contents, pull requests and issues read/write.',
    secret: true,
  }),
  githubApiUrl: define({
    key: 'githubApiUrl',
    env: ['MENDER_GITHUB_API_URL'],
    schema: z.url().transform((value) => value.replace(/\/+$/, '')),
    default: 'https://api.github.com',
    description: 'GitHub REST API base URL (GitHub Enterprise Server: https://HOST/api/v3).',
  }),
  githubWebhookSecret: define({
    key: 'githubWebhookSecret',
    env: ['MENDER_GITHUB_WEBHOOK_SECRET'],
    schema: z.string().min(16, 'must be at least 16 characters').optional(),
    default: undefined,
    description: 'Secret of the GitHub webhook; POST /webhooks/github refuses every delivery until it is set.',
    secret: true,
  }),
  githubTriggerLabel: define({
    key: 'githubTriggerLabel',
    env: ['MENDER_GITHUB_TRIGGER_LABEL'],
    schema: z.string().min(1),
    default: 'ai-fix',
    description: 'Issue label that starts a fix operation.',
  }),
  githubMergeMethod: define({
    key: 'githubMergeMethod',
    env: ['MENDER_GITHUB_MERGE_METHOD'],
    schema: z.enum(['squash', 'rebase', 'merge']),
    default: 'squash',
    description: 'How an approved pull request is merged through the GitHub API: squash, rebase or merge.',
  }),
  githubRemoteMap: define({
    key: 'githubRemoteMap',
    env: ['MENDER_GITHUB_REMOTE_MAP'],
    schema: z
      .union([
        z.record(z.string().regex(/^[^/\s]+\/[^/\s]+$/, 'keys are owner/name'), z.string().min(1)),
        z.string().transform((value, context) => {
          try {
            return z.record(z.string(), z.string()).parse(JSON.parse(value));
          } catch {
            context.addIssue({ code: 'custom', message: 'must be JSON: {"owner/name": "git URL or path to fetch and push instead"}' });
            return z.NEVER;
          }
        }),
      ])
      .optional(),
    default: undefined,
    description:
      "Git URL or path to fetch from and push to instead of the GitHub remote, per owner/name, as JSON (mirrors; tests use local bare repositories). The API is still GitHub's.",
  }),
} as const;
