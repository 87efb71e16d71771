import { api } from '../../api/api-client.ts';
import { ApiError } from '../../api/api-error.ts';
import type { ProjectList, RepoList, SettingsView } from '../../../../src/server/api-types.ts';
import { useLiveResource } from '../../live/use-live-resource.ts';

export interface SetupStep {
  key: 'repository' | 'model' | 'project';
  label: string;
  to: string;
  done: boolean;
}

const roleModels = ['plannerModel', 'coderModel', 'reviewerModel'] as const;

/** Whether every role has a model: the default one, or each role its own (as the agent's health judges it). */
export function modelIsSet(settings: Record<string, unknown>): boolean {
  const isSet = (key: string) => typeof settings[key] === 'string' && settings[key] !== '';
  return isSet('model') || roleModels.every(isSet);
}

async function loadSteps(): Promise<SetupStep[]> {
  const [repos, settings, projects] = await Promise.all([
    api.get<RepoList>('/api/repos'),
    api.get<SettingsView>('/api/settings'),
    // Without detection there are no projects to create: the step is left out.
    api.get<ProjectList>('/api/projects').catch((caught: unknown) => {
      if (caught instanceof ApiError && caught.status === 404) return undefined;
      throw caught;
    }),
  ]);
  const steps: SetupStep[] = [
    { key: 'repository', label: 'Register a repository', to: '/repositories', done: repos.repos.some((repo) => !repo.self) },
    { key: 'model', label: 'Set a model', to: '/settings', done: modelIsSet(settings.settings) },
  ];
  if (projects) steps.push({ key: 'project', label: 'Create a project for error reports', to: '/projects', done: projects.projects.length > 0 });
  return steps;
}

/** The first steps of setting Mender up, each judged from what the API holds now (for admins, who take them). */
export function useSetupProgress() {
  return useLiveResource(loadSteps, 'setup-progress', (event) => event.type.startsWith('settings.'));
}
