import { count, money } from '../format/numbers.ts';

interface RoleUsage {
  inputTokens?: number;
  outputTokens?: number;
  calls?: number;
  model?: string;
  cost?: number;
}

/** Model tokens and cost per role (planner, coder, reviewer) and in total. */
export function UsageView({ usage }: { usage: Record<string, unknown> }) {
  const roles = Object.entries(usage).filter((entry): entry is [string, RoleUsage] => !!entry[1] && typeof entry[1] === 'object');
  if (roles.length === 0) return <p className="muted">No model calls yet.</p>;
  const total = roles.reduce(
    (sum, [, role]) => ({
      input: sum.input + (role.inputTokens ?? 0),
      output: sum.output + (role.outputTokens ?? 0),
      cost: sum.cost + (role.cost ?? 0),
      calls: sum.calls + (role.calls ?? 0),
    }),
    { input: 0, output: 0, cost: 0, calls: 0 },
  );
  return (
    <div className="table-scroll">
      <table className="compact-table" data-testid="usage">
        <thead>
          <tr>
            <th scope="col">Role</th>
            <th scope="col">Calls</th>
            <th scope="col">Tokens in / out</th>
            <th scope="col">Cost</th>
          </tr>
        </thead>
        <tbody>
          {roles.map(([name, role]) => (
            <tr key={name}>
              <th scope="row">
                {name}
                <div className="muted small mono">{role.model}</div>
              </th>
              <td>{count(role.calls)}</td>
              <td>
                {count(role.inputTokens)} / {count(role.outputTokens)}
              </td>
              <td>{money(role.cost)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Total</th>
            <td>{count(total.calls)}</td>
            <td>
              {count(total.input)} / {count(total.output)}
            </td>
            <td>{money(total.cost)}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
