export const githubCommands = ['fix', 'approve', 'reject', 'retry'] as const;
export type GitHubCommand = (typeof githubCommands)[number];

/**
 * The `@mender <command> [comment]` in a comment: the first line that starts with it (quoted
 * lines, `> …`, are someone else's words and do not count). Undefined when there is none.
 */
export function parseMenderCommand(body: string): { command: GitHubCommand; comment?: string } | undefined {
  for (const line of body.split(/\r?\n/)) {
    const match = /^\s*@mender\s+(fix|approve|reject|retry)\b[\s:,-]*(.*)$/i.exec(line);
    if (!match || line.trimStart().startsWith('>')) continue;
    const comment = match[2]!.trim();
    return { command: match[1]!.toLowerCase() as GitHubCommand, comment: comment || undefined };
  }
  return undefined;
}

/** Mender's role for a GitHub repository permission: admin → admin, maintain or write → team-lead, anything else → viewer. */
export function roleForPermission(permission: string | undefined): 'admin' | 'team-lead' | 'viewer' {
  if (permission === 'admin') return 'admin';
  if (permission === 'maintain' || permission === 'write') return 'team-lead';
  return 'viewer';
}
