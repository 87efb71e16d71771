import type { RepoView } from '../../../../src/server/api-types.ts';
import type { CommandName } from '../../../../src/workspace/detect-commands.ts';

const shownCommands: { name: CommandName; label: string }[] = [
  { name: 'test', label: 'Tests' },
  { name: 'typecheck', label: 'Type check' },
  { name: 'lint', label: 'Lint' },
];

/** One registered repository: where it is, its branch, and the commands Mender found to check a change. */
export function RepositoryCard({ repo }: { repo: RepoView }) {
  const headingId = `repo-${repo.id}`;
  return (
    <li className="card" data-repo={repo.name}>
      <h3 id={headingId}>
        {repo.name} {repo.self ? <span className="badge">Mender’s own checkout</span> : null}
      </h3>
      <dl className="facts">
        <dt>{repo.remote ? 'Cloned from' : 'Path'}</dt>
        <dd className="mono">{repo.remote ?? repo.path}</dd>
        <dt>Default branch</dt>
        <dd className="mono">{repo.defaultBranch}</dd>
        {shownCommands.map((command) => (
          <CommandFact key={command.name} label={command.label} command={repo.detectedCommands[command.name]} />
        ))}
      </dl>
    </li>
  );
}

function CommandFact({ label, command }: { label: string; command: string | undefined }) {
  return (
    <>
      <dt>{label}</dt>
      <dd data-command={label}>{command ? <code>{command}</code> : <span className="muted">none found</span>}</dd>
    </>
  );
}
