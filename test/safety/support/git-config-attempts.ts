/**
 * Attempts by code running inside the sandbox (a repository's test script) to make Mender's own
 * git, run later on the host, execute a program. Each is a /bin/sh script run with the folder
 * under test as its working directory; `run` is the command line that would leave the marker.
 * None of them can write the marker directly: the sandbox's /tmp is private and the marker's
 * folder is outside every writable bind.
 */
export interface GitConfigAttempt {
  name: string;
  script(run: string): string;
}

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
/** The git folder of the worktree or checkout, and the common one (where config and hooks live). */
const gitDir = 'G=$(git rev-parse --absolute-git-dir); C=$(git rev-parse --git-common-dir); case "$C" in /*) ;; *) C="$PWD/$C";; esac';
const hook = (name: string) => (run: string) =>
  `${gitDir}; mkdir -p "$C/hooks"; printf '#!/bin/sh\\n%s\\n' ${quote(run)} > "$C/hooks/${name}"; chmod +x "$C/hooks/${name}"; echo change >> README.md`;
const config =
  (key: string, value: (run: string) => string, extra = '') =>
  (run: string) =>
    `git config ${quote(key)} ${quote(value(run))}; ${extra} echo change >> README.md`;
const attributes = (line: string) => `echo ${quote(line)} >> .gitattributes;`;
const infoAttributes = (line: string) => `${gitDir}; mkdir -p "$C/info"; echo ${quote(line)} >> "$C/info/attributes";`;
/** A whole git folder of the script's own making, with a filter that runs the program. */
const ownGitFolder = (run: string) =>
  // Stops when git cannot name its folder: an empty name would copy the whole file system.
  `D=$(git rev-parse --git-common-dir) && cp -r "$D"/. own-git/ 2>/dev/null; ` +
  `git --git-dir=own-git config filter.x.clean ${quote(`${run}; cat`)}; git --git-dir=own-git config core.bare false; echo '* filter=x' > .gitattributes; echo change >> README.md`;

export const gitConfigAttempts: GitConfigAttempt[] = [
  { name: 'filter clean + .gitattributes', script: config('filter.x.clean', (run) => `${run}; cat`, attributes('* filter=x')) },
  { name: 'filter smudge + .gitattributes', script: config('filter.x.smudge', (run) => `${run}; cat`, attributes('* filter=x')) },
  { name: 'filter process + .gitattributes', script: config('filter.x.process', (run) => run, attributes('* filter=x')) },
  { name: 'filter clean + .git/info/attributes', script: config('filter.x.clean', (run) => `${run}; cat`, infoAttributes('* filter=x')) },
  {
    name: 'filter required + clean',
    script: config('filter.x.clean', (run) => `${run}; cat`, `git config filter.x.required true; ${attributes('* filter=x')}`),
  },
  { name: 'diff textconv + .gitattributes', script: config('diff.t.textconv', (run) => `sh -c ${quote(`${run}; cat "$1"`)} -`, attributes('* diff=t')) },
  {
    name: 'diff textconv + .git/info/attributes',
    script: config('diff.t.textconv', (run) => `sh -c ${quote(`${run}; cat "$1"`)} -`, infoAttributes('* diff=t')),
  },
  { name: 'diff.<driver>.command', script: config('diff.t.command', (run) => run, attributes('* diff=t')) },
  { name: 'diff.external', script: config('diff.external', (run) => run) },
  { name: 'merge driver', script: config('merge.m.driver', (run) => run, attributes('* merge=m')) },
  { name: 'pre-commit hook', script: hook('pre-commit') },
  { name: 'commit-msg hook', script: hook('commit-msg') },
  { name: 'post-commit hook', script: hook('post-commit') },
  { name: 'prepare-commit-msg hook', script: hook('prepare-commit-msg') },
  { name: 'post-checkout hook', script: hook('post-checkout') },
  { name: 'post-merge hook', script: hook('post-merge') },
  { name: 'pre-merge-commit hook', script: hook('pre-merge-commit') },
  { name: 'reference-transaction hook', script: hook('reference-transaction') },
  { name: 'post-index-change hook', script: hook('post-index-change') },
  { name: 'pre-auto-gc hook + gc.auto', script: (run) => `git config gc.auto 1; git config gc.autoDetach false; ${hook('pre-auto-gc')(run)}` },
  {
    name: 'core.hooksPath to a folder in the repository',
    script: (run) =>
      `mkdir -p myhooks; for h in pre-commit post-commit post-checkout reference-transaction post-index-change; do printf '#!/bin/sh\\n%s\\n' ${quote(run)} > myhooks/$h; chmod +x myhooks/$h; done; git config core.hooksPath "$PWD/myhooks"; echo change >> README.md`,
  },
  { name: 'core.fsmonitor', script: config('core.fsmonitor', (run) => run) },
  { name: 'core.sshCommand', script: config('core.sshCommand', (run) => run) },
  { name: 'core.pager', script: config('core.pager', (run) => run) },
  {
    name: 'pager.diff / pager.log / pager.status',
    script: (run) => `git config pager.diff ${quote(run)}; git config pager.log ${quote(run)}; git config pager.status ${quote(run)}; echo change >> README.md`,
  },
  {
    name: 'core.editor and sequence.editor',
    script: (run) => `git config core.editor ${quote(run)}; git config sequence.editor ${quote(run)}; echo change >> README.md`,
  },
  {
    name: 'core.askPass and credential.helper',
    script: (run) => `git config core.askPass ${quote(run)}; git config credential.helper ${quote(`!${run}`)}; echo change >> README.md`,
  },
  {
    name: 'gpg.program with commit.gpgsign',
    script: (run) => `git config gpg.program ${quote(run)}; git config commit.gpgSign true; echo change >> README.md`,
  },
  {
    name: 'alias shadowing status/diff',
    script: (run) => `git config alias.status ${quote(`!${run}`)}; git config alias.diff ${quote(`!${run}`)}; echo change >> README.md`,
  },
  {
    name: 'include.path to a file in the repository',
    script: (run) =>
      `printf '[filter "x"]\\n\\tclean = %s; cat\\n' ${quote(run)} > included.cfg; git config include.path "$PWD/included.cfg"; ${attributes('* filter=x')} echo change >> README.md`,
  },
  {
    name: 'includeIf.gitdir to a file in the repository',
    script: (run) =>
      `printf '[diff "t"]\\n\\ttextconv = sh -c %s -\\n' ${quote(quote(`${run}; cat "$1"`))} > included.cfg; git config 'includeIf.gitdir:/.path' "$PWD/included.cfg"; ${attributes('* diff=t')} echo change >> README.md`,
  },
  {
    name: 'config.worktree with extensions.worktreeConfig',
    script: (run) =>
      `git config extensions.worktreeConfig true; git config --worktree filter.x.clean ${quote(`${run}; cat`)}; ${attributes('* filter=x')} echo change >> README.md`,
  },
  {
    name: 'core.alternateRefsCommand and remote uploadpack',
    script: (run) =>
      `git config core.alternateRefsCommand ${quote(run)}; git config remote.origin.uploadpack ${quote(run)}; git config core.gitProxy ${quote(run)}; echo change >> README.md`,
  },
  {
    name: '.git replaced by a file pointing at a git folder of its own',
    script: (run) => `${ownGitFolder(run)}; rm -rf .git 2>/dev/null; printf 'gitdir: %s\\n' "$PWD/own-git" > .git`,
  },
  {
    name: "worktree's gitdir/commondir pointing at a git folder of its own",
    script: (run) => `${ownGitFolder(run)}; G=$(git rev-parse --absolute-git-dir); echo "$PWD/own-git" > "$G/commondir"`,
  },
  {
    name: 'nested repository with its own filter (submodule-like)',
    script: (run) =>
      `mkdir -p nested && cd nested && git init -q && git config filter.x.clean ${quote(`${run}; cat`)} && echo '* filter=x' > .gitattributes && echo a > a.txt && git -c user.name=x -c user.email=x@x add -A && git -c user.name=x -c user.email=x@x commit -qm n; cd ..; printf '[submodule "nested"]\\n\\tpath = nested\\n\\turl = ./nested\\n' > .gitmodules; echo change >> README.md`,
  },
  {
    name: 'submodule.<name>.update = !command',
    script: (run) => `git config submodule.nested.update ${quote(`!${run}`)}; git config submodule.recurse true; echo change >> README.md`,
  },
];
