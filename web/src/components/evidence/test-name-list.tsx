import { testName } from './test-names.ts';

/** Tests named by id, after a label; nothing when there are none. */
export function TestNameList({ label, ids, tone }: { label: string; ids: string[] | undefined; tone?: 'bad' | 'good' }) {
  if (!ids?.length) return null;
  return (
    <div className="small">
      <span className={tone === 'bad' ? 'count-fail' : tone === 'good' ? 'count-pass' : ''}>
        {label} ({ids.length}):
      </span>
      <ul className="plain-list mono">
        {ids.map((id) => (
          <li key={id}>{testName(id)}</li>
        ))}
      </ul>
    </div>
  );
}
