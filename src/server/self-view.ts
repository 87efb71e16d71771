import type { SelfState } from '../domain/self-update-vocabulary.ts';
import { describeSelf } from '../pipeline/self-summary.ts';
import type { SupervisorPort } from '../pipeline/supervisor-port.ts';

/** `GET /api/self`: what the running Mender knows of its supervisor and its own repository. */
export interface SelfView {
  supervised: boolean;
  /** The checkout the supervisor was started from (what `mender self enable` registers). */
  checkout: string | null;
  /** The self repository's name, when one is registered. */
  repo: string | null;
  state: SelfState | null;
  /** The same in one sentence, for people (the CLI, the dashboard); says so when nothing supervises Mender. */
  summary: string;
}

export function selfView(supervisor: SupervisorPort, repo: string | null): SelfView {
  const state = supervisor.supervised ? supervisor.state() : undefined;
  return {
    supervised: supervisor.supervised,
    checkout: supervisor.checkout ?? null,
    repo,
    state: state ?? null,
    summary: describeSelf(supervisor, state, repo),
  };
}
