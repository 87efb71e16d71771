import { useEffect, useState } from 'react';
import { api } from '../api/api-client.ts';
import type { Repo } from '../api/types.ts';

/** The registered repositories (for filters and the new-operation form). */
export function useRepos(): { repos: Repo[]; error: string | undefined } {
  const [repos, setRepos] = useState<Repo[]>([]);
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    api
      .get<{ repos: Repo[] }>('/api/repos')
      .then((answer) => setRepos(answer.repos))
      .catch((caught: unknown) => setError(caught instanceof Error ? caught.message : String(caught)));
  }, []);
  return { repos, error };
}
