import type { RemoteRepositories } from '../forge/forge.ts';
import type { ForgeProvider, ForgeProviderContext, ForgeProviderInstance } from './forge-provider.ts';
import { githubForgeProvider } from './github/github-forge-provider.ts';

/** The remote forges Mender can work with, besides the local forge every repository starts on. */
export const forgeProviders: readonly ForgeProvider[] = [githubForgeProvider];

export interface RemoteForges {
  instances: readonly (ForgeProviderInstance & { id: string })[];
  /** Registration by remote URL, when a forge offers it. */
  remoteRepositories: RemoteRepositories | undefined;
}

/** Builds every provider's services, in registry order. */
export function createRemoteForges(providers: readonly ForgeProvider[], context: ForgeProviderContext): RemoteForges {
  const instances = providers.map((provider) => ({ id: provider.id, ...provider.create(context) }));
  // POST /api/repos takes a bare URL, and GitHub accepts any host (Enterprise): with a second
  // forge the request must say which forge it names. Refused until that choice exists, rather
  // than silently sending every URL to the first forge.
  if (instances.length > 1)
    throw new Error(
      `${instances.map((instance) => instance.id).join(' and ')} are both registered forges: registering repositories by remote URL cannot yet choose between them (docs/contributing/add-a-forge.md)`,
    );
  return { instances, remoteRepositories: instances[0]?.remoteRepositories };
}
