/** A package manager (or lerna) command that runs one script in workspace packages. */
export interface WorkspaceDelegation {
  /** The script each selected package runs. */
  script: string;
  /** Arguments handed to each package's script. */
  extraArguments: string[];
  /** How each package's script is run (which hooks): lerna runs npm's way. */
  manager: 'npm' | 'pnpm' | 'yarn';
  /** Package names, name globs (`@x/*`) or folders (`./packages/a`); empty: every package. */
  include: string[];
  exclude: string[];
}

/**
 * Recognizes `npm test --workspaces`, `pnpm -r test`, `yarn workspaces run test`, `lerna run
 * test`… in one simple command's words. `{ refused }` says why a workspace runner is not followed;
 * undefined: the words run no workspace script.
 */
export function readWorkspaceDelegation(_words: string[]): WorkspaceDelegation | { refused: string } | undefined {
  return undefined;
}
