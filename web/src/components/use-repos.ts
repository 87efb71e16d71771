import { useEffect, useState } from 'react';
import { api } from '../api/api-client.ts';
import type { RepoList, RepoView } from '../../../src/server/api-types.ts';

/** The registered repositories (for filters and the new-operation form). */
export function useRepos(): { repos: RepoView[]; error: string | undefined } {
  const [repos, setRepos] = useState<RepoView[]>([]);
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    api
      .get<RepoList>('/api/repos')
      .then((answer) => setRepos(answer.repos))
      .catch((caught: unknown) => setError(caught instanceof Error ? caught.message : String(caught)));
  }, []);
  return { repos, error };
}
