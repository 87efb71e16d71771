import type { ProjectView } from '../../../../src/server/api-types.ts';
import { CopyButton } from '../copy-button.tsx';

/** The line an application adds to report its errors to this project (any Sentry SDK takes the DSN). */
export function sdkSnippet(dsn: string): string {
  return `Sentry.init({ dsn: ${JSON.stringify(dsn)} })`;
}

/** One project: its repository, its DSN and the SDK line, each with a Copy button. */
export function ProjectCard({ project }: { project: ProjectView }) {
  return (
    <li className="card" data-project={project.name}>
      <h3>{project.name}</h3>
      <dl className="facts">
        <dt>Repository</dt>
        <dd>{project.repo}</dd>
        <dt>DSN</dt>
        <dd>
          <code data-testid="project-dsn">{project.dsn}</code>
          <CopyButton text={project.dsn} what="DSN" />
        </dd>
        <dt>SDK</dt>
        <dd>
          <code data-testid="project-snippet">{sdkSnippet(project.dsn)}</code>
          <CopyButton text={sdkSnippet(project.dsn)} what="snippet" />
        </dd>
        <dt>Rate limit</dt>
        <dd>{project.rateLimitPerMinute} events a minute</dd>
      </dl>
    </li>
  );
}
