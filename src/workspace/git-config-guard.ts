/**
 * Repository-local git configuration that makes git run a program. A sandboxed command can write
 * nothing of a repository's configuration (sandbox.ts binds every `.git` read-only), but a
 * repository may arrive with such settings, or a `.git` may point somewhere unexpected; Mender's
 * own git refuses to work there rather than run what the repository names (issue 12, finding 1).
 *
 * Settings that Mender's git already overrides on every call are not refused: hooks
 * (core.hooksPath=/dev/null; Husky sets core.hooksPath locally), core.fsmonitor=false, the
 * editors (GIT_EDITOR, GIT_SEQUENCE_EDITOR) and the pager (--no-pager, GIT_PAGER).
 */
const programKeys: { pattern: RegExp; what: string; unlessBoolean?: boolean; onlyIf?: (value: string) => boolean }[] = [
  { pattern: /^filter\..+\.(clean|smudge|process)$/, what: 'a filter driver' },
  { pattern: /^diff\..+\.(textconv|command)$/, what: 'a diff driver' },
  { pattern: /^diff\.external$/, what: 'an external diff program' },
  { pattern: /^merge\..+\.driver$/, what: 'a merge driver' },
  { pattern: /^core\.fsmonitor$/, what: 'a file-system monitor program', unlessBoolean: true },
  { pattern: /^core\.sshcommand$/, what: 'an ssh command' },
  { pattern: /^core\.gitproxy$/, what: 'a proxy command' },
  { pattern: /^core\.askpass$/, what: 'a password prompt program' },
  { pattern: /^core\.pager$/, what: 'a pager' },
  { pattern: /^pager\..+$/, what: 'a pager', unlessBoolean: true },
  { pattern: /^core\.alternaterefscommand$/, what: 'an alternate-refs command' },
  { pattern: /^credential\.(.+\.)?helper$/, what: 'a credential helper' },
  { pattern: /^gpg\.(.+\.)?program$/, what: 'a signing program' },
  { pattern: /^include\.path$/, what: 'an included configuration file' },
  { pattern: /^includeif\..+\.path$/, what: 'an included configuration file' },
  { pattern: /^remote\..+\.(uploadpack|receivepack)$/, what: 'a remote pack program' },
  { pattern: /^uploadpack\.packobjectshook$/, what: 'a pack-objects hook' },
  { pattern: /^submodule\..+\.update$/, what: 'a submodule update command', onlyIf: (value) => value.trim().startsWith('!') },
  { pattern: /^(difftool|mergetool)\..+\.cmd$/, what: 'a diff or merge tool' },
  { pattern: /^hook\..+\.command$/, what: 'a configured hook' },
];

const booleanValues = new Set(['', 'true', 'false', 'yes', 'no', 'on', 'off', '1', '0']);

export interface ConfigEntry {
  scope: string;
  origin: string;
  key: string;
  value: string;
}

/** Parses `git config --list --show-scope --show-origin -z`: scope NUL origin NUL key LF value NUL. */
export function parseConfigList(output: string): ConfigEntry[] {
  const fields = output.split('\0');
  const entries: ConfigEntry[] = [];
  for (let index = 0; index + 2 < fields.length; index += 3) {
    const keyAndValue = fields[index + 2]!;
    const newline = keyAndValue.indexOf('\n');
    const key = (newline === -1 ? keyAndValue : keyAndValue.slice(0, newline)).toLowerCase();
    entries.push({ scope: fields[index]!, origin: fields[index + 1]!, key, value: newline === -1 ? '' : keyAndValue.slice(newline + 1) });
  }
  return entries;
}

/** The first repository-local (local or worktree scope) entry that would run a program, with what it is. */
export function findProgramSetting(entries: ConfigEntry[]): { entry: ConfigEntry; what: string } | undefined {
  for (const entry of entries) {
    if (entry.scope !== 'local' && entry.scope !== 'worktree') continue;
    for (const rule of programKeys) {
      if (!rule.pattern.test(entry.key)) continue;
      if (rule.unlessBoolean && booleanValues.has(entry.value.trim().toLowerCase())) continue;
      if (rule.onlyIf && !rule.onlyIf(entry.value)) continue;
      return { entry, what: rule.what };
    }
  }
  return undefined;
}
