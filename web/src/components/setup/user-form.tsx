import { useId, useState } from 'react';
import { api } from '../../api/api-client.ts';
import { roles, type Role } from '../../../../src/domain/roles.ts';
import { ErrorNotice } from '../error-notice.tsx';
import { FieldErrors } from '../field-errors.tsx';
import { roleHelp } from './role-words.ts';
import { useFormSubmit } from '../use-form-submit.ts';

export interface CreatedUser {
  name: string;
  role: Role;
  token: string;
}

/** Adds a person who signs in with a password; the API token made with them is handed back to be shown once. */
export function UserForm({ onCreated }: { onCreated(user: CreatedUser): void }) {
  const id = useId();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('team-lead');
  const [password, setPassword] = useState('');

  const { busy, error, submit } = useFormSubmit(async () => {
    const user = await api.post<CreatedUser>('/api/users', { name: name.trim(), role, password });
    setName('');
    setPassword('');
    onCreated(user);
  });

  return (
    <section className="card" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Add a user</h2>
      <ErrorNotice error={error} title="Not added" />
      <form className="form" onSubmit={submit}>
        <label>
          Name
          <input name="name" autoComplete="off" required value={name} onChange={(event) => setName(event.target.value)} placeholder="lee" />
        </label>
        <FieldErrors error={error} field="name" />
        <label>
          Role
          <select name="role" value={role} onChange={(event) => setRole(event.target.value as Role)}>
            {roles.map((option) => (
              <option key={option} value={option}>
                {option}
              </option>
            ))}
          </select>
        </label>
        <p className="muted small">{roleHelp[role]}</p>
        <FieldErrors error={error} field="role" />
        <label>
          Password (at least 12 characters; tell it to them, they sign in with it)
          <input name="password" type="password" autoComplete="new-password" required value={password} onChange={(event) => setPassword(event.target.value)} />
        </label>
        <FieldErrors error={error} field="password" />
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={busy}>
            {busy ? 'Adding…' : 'Add user'}
          </button>
        </div>
      </form>
    </section>
  );
}
