import { api } from '../api/api-client.ts';
import type { PolicyView } from '../../../src/server/api-types.ts';
import { useLiveResource } from '../live/use-live-resource.ts';
import { ErrorNotice } from './error-notice.tsx';
import { Loading } from './loading.tsx';

/** The policy in force, read-only: where it comes from, its hash, and every rule in file order. */
export function PolicyRules() {
  // Policy changes are not timeline events: loaded once, and again on a reconnect.
  const { data, error, loading } = useLiveResource(
    () => api.get<PolicyView>('/api/policy'),
    'policy',
    () => false,
  );
  return (
    <section className="card" aria-label="Policy" data-testid="policy-rules">
      <h2>Policy</h2>
      <ErrorNotice error={error} title="The policy could not be loaded" />
      {loading && !data ? <Loading what="the policy" /> : null}
      {data ? (
        <>
          <p className="muted small">
            From <code data-testid="policy-source">{data.source}</code> · hash <code title={data.hash}>{data.hash.slice(0, 12)}</code> · business hours{' '}
            {data.businessHours.start}–{data.businessHours.end} {data.businessHours.days.join(' ')} ({data.timeZone}). Deny rules are tried first, then the
            others in this order; the first that matches decides.{' '}
            {data.editable
              ? 'Change it with PUT /api/policy or by editing the file and `POST /api/policy/reload`.'
              : 'Set MENDER_POLICY_FILE to a copy to change it.'}
          </p>
          <div className="table-scroll">
            <table className="compact-table">
              <thead>
                <tr>
                  <th>Rule</th>
                  <th>Decision</th>
                  <th>Reason</th>
                  <th>When</th>
                </tr>
              </thead>
              <tbody>
                {data.rules.map((rule) => (
                  <tr key={rule.id} data-rule-id={rule.id}>
                    <td>
                      <code>{rule.id}</code>
                    </td>
                    <td>{rule.decision === 'ask' ? `ask ${rule.level ?? ''}` : rule.decision}</td>
                    <td>{rule.reason}</td>
                    <td>{rule.when.map((condition) => condition.text).join('; ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </section>
  );
}
