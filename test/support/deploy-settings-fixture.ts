/**
 * Deploy settings whose environments use the `command` target with scripts that do nothing and
 * succeed, so the
 * runner ships without a real app. The interval is an hour, so no canary is judged
 * while a test runs; the test decides (promote, roll back) instead.
 */
export function commandTargetDeploySettings(environments: string[] = ['staging', 'production']): Record<string, unknown> {
  return {
    environments: environments.map((name) => ({
      name,
      target: 'command',
      watchMinutes: 60,
      command: { deploy: 'true', status: 'true', rollback: 'true' },
    })),
    intervalSeconds: 3600,
    onMerge: false,
  };
}
