import type { IssueBreakdown } from '../../../src/server/api-types.ts';

const titles: Record<IssueBreakdown['key'], string> = { release: 'Releases', route: 'Routes', user: 'Users' };

/** Where an issue's events come from: by release, route and user, each value with its count and share. */
export function IssueBreakdowns({ breakdowns }: { breakdowns: IssueBreakdown[] }) {
  return (
    <section className="card" aria-labelledby="breakdowns-heading">
      <h2 id="breakdowns-heading">Where it happens</h2>
      <div className="breakdown-grid">
        {breakdowns.map((breakdown) => (
          <BreakdownList key={breakdown.key} breakdown={breakdown} />
        ))}
      </div>
    </section>
  );
}

function BreakdownList({ breakdown }: { breakdown: IssueBreakdown }) {
  const headingId = `breakdown-${breakdown.key}`;
  return (
    <div className="breakdown" data-testid={headingId}>
      <h3 id={headingId}>{titles[breakdown.key]}</h3>
      <p className="muted small">{breakdown.basis === 'events' ? `of all ${breakdown.total} events` : `of the ${breakdown.total} kept samples`}</p>
      {breakdown.entries.length ? (
        <ul className="breakdown-list" aria-labelledby={headingId}>
          {breakdown.entries.map((entry) => {
            const percent = breakdown.total ? Math.round((entry.count / breakdown.total) * 100) : 0;
            return (
              <li key={entry.value}>
                <span className="breakdown-value mono" title={entry.value}>
                  {entry.value}
                </span>
                <span className="breakdown-count">
                  {entry.count} · {percent}%
                </span>
                {/* SVG: the page's CSP allows no inline styles. */}
                <svg className="breakdown-bar" viewBox="0 0 100 4" preserveAspectRatio="none" aria-hidden="true">
                  <rect x={0} y={0} width={100} height={4} className="breakdown-rest" />
                  <rect x={0} y={0} width={percent} height={4} className="fill-accent" />
                </svg>
              </li>
            );
          })}
        </ul>
      ) : (
        <p className="muted small">None recorded.</p>
      )}
    </div>
  );
}
