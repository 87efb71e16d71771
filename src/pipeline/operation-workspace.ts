import { NotFoundError, OperationFailure } from './pipeline-errors.ts';
import type { PipelineContext } from './pipeline-context.ts';
import type { ToolContext } from '../tools/tool.ts';
import { detectCommands, type RepoCommands } from '../workspace/detect-commands.ts';
import fs from 'node:fs';
import { createPathPolicy, defaultDenyPatterns, type PathPolicy } from '../safety/path-policy.ts';

export interface OperationRepo {
  id: string;
  name: string;
  path: string;
  defaultBranch: string;
  commands: RepoCommands;
  /** Mender's own checkout: its self-protected files are out of the tools' reach and under the change gate's floor. */
  self: boolean;
}

/** `mender/<id>-<slug>`: the operation's branch, readable in `git branch`. */
export function branchName(operationId: string, description: string): string {
  const slug = description
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/g, '');
  return `mender/${operationId}${slug ? `-${slug}` : ''}`;
}

/**
 * The operation's repository with its commands (overrides over what package.json says), at the
 * path this process works in (`context.checkouts`), with `branches` fetched there when it is a clone.
 */
export async function loadOperationRepo(context: PipelineContext, repoId: string, branches: readonly string[] = []): Promise<OperationRepo> {
  const repo = await context.repos.byId(repoId);
  if (!repo) throw new NotFoundError(`repository ${repoId} is no longer registered`);
  const where = context.checkouts ? await context.checkouts.locate(repo, branches) : repo.path;
  if (!fs.existsSync(where)) throw new OperationFailure(`repository ${repo.name} is gone from ${where}: register it again with its new path`);
  return {
    id: repo.id,
    name: repo.name,
    path: where,
    defaultBranch: repo.defaultBranch,
    commands: detectCommands(where, repo.commands),
    self: repo.self === true,
  };
}

export function toolContextFor(context: PipelineContext, operationId: string, root: string, signal: AbortSignal): ToolContext {
  return { root, operationId, signal, saveArtifact: (name, content) => context.operations.saveArtifact(operationId, name, content) };
}

/** The path jail for a worktree, with the configured deny list and size limits. */
export function pathPolicyFor(context: PipelineContext, root: string): PathPolicy {
  const { settings } = context;
  return createPathPolicy({
    root,
    denyPatterns: [...defaultDenyPatterns, ...(settings.denyPatterns ?? [])],
    maxReadBytes: settings.maxReadBytes,
    maxWriteBytes: settings.maxWriteBytes,
  });
}
