import { createGitHubServices } from '../../forge/github/github-services.ts';
import type { ForgeProvider } from '../forge-provider.ts';
import { createGitHubWebhookProcessor } from './github-webhook-processor.ts';
import { registerGitHubWebhookRoute } from './github-webhook-route.ts';

/** GitHub as a forge: pull requests, repositories registered by URL, POST /webhooks/github. */
export const githubForgeProvider: ForgeProvider = {
  id: 'github',
  settingKeys: [
    'githubAppId',
    'githubPrivateKey',
    'githubInstallationId',
    'githubToken',
    'githubApiUrl',
    'githubWebhookSecret',
    'githubTriggerLabel',
    'githubMergeMethod',
    'githubRemoteMap',
  ],
  registerWebhookRoutes: registerGitHubWebhookRoute,
  create(context) {
    const github = createGitHubServices(context);
    return {
      forge: github.forge,
      remoteRepositories: github.repositories,
      webhookProcessor: (webhook) => createGitHubWebhookProcessor({ ...webhook, forge: github.forge, client: github.client }),
      start: () => github.mirror.start(),
      stop: () => github.mirror.stop(),
    };
  },
};
