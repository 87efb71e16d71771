import { useState } from 'react';
import { api } from '../../api/api-client.ts';
import { ApiError } from '../../api/api-error.ts';
import { roles, type Role } from '../../../../src/domain/roles.ts';
import { RelativeTime } from '../relative-time.tsx';

export interface UserView {
  name: string;
  role: Role;
  /** False: API tokens only (the admin behind MENDER_ADMIN_TOKEN), no password to sign in with. */
  signsIn: boolean;
  createdAt: string;
}

/** One user, with a role to change (the server refuses to demote the only admin and says so). */
export function UserRow({ user, isYou, onChanged }: { user: UserView; isYou: boolean; onChanged(message: string): void }) {
  const [role, setRole] = useState<Role>(user.role);
  const [problem, setProblem] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const change = async () => {
    setBusy(true);
    setProblem(undefined);
    try {
      await api.patch(`/api/users/${encodeURIComponent(user.name)}`, { role });
      onChanged(`${user.name} is now ${role === 'admin' ? 'an' : 'a'} ${role}.`);
    } catch (caught) {
      setProblem(caught instanceof ApiError ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <tr data-user={user.name}>
      <td data-label="Name">
        <span>
          <strong>{user.name}</strong> {isYou ? <span className="muted">(you)</span> : null}
          {user.signsIn ? null : <span className="muted small"> API token only</span>}
        </span>
      </td>
      <td data-label="Role">
        <span className="role-change">
          <select aria-label={`Role of ${user.name}`} value={role} onChange={(event) => setRole(event.target.value as Role)}>
            {roles.map((option) => (
              <option key={option} value={option}>
                {option}
              </option>
            ))}
          </select>
          <button type="button" className="button subtle" disabled={busy || role === user.role} onClick={() => void change()}>
            Change role<span className="visually-hidden"> of {user.name}</span>
          </button>
          {problem ? (
            <span className="field-errors" role="alert">
              {problem}
            </span>
          ) : null}
        </span>
      </td>
      <td data-label="Added">
        <RelativeTime at={user.createdAt} />
      </td>
    </tr>
  );
}
