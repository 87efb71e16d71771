import { useId, useState } from 'react';
import { api } from '../../api/api-client.ts';
import type { RegisteredRepoView } from '../../../../src/server/api-types.ts';
import { ErrorNotice } from '../error-notice.tsx';
import { FieldErrors } from '../field-errors.tsx';
import { useFormSubmit } from '../use-form-submit.ts';

type Source = 'path' | 'remoteUrl';

/** Registers a repository by a local checkout's path or a remote URL; the API's complaints are shown by their field. */
export function RepositoryForm({ onRegistered }: { onRegistered(repo: RegisteredRepoView): void }) {
  const id = useId();
  const [name, setName] = useState('');
  const [source, setSource] = useState<Source>('path');
  const [location, setLocation] = useState('');

  const { busy, error, submit } = useFormSubmit(async () => {
    const body = { ...(name.trim() ? { name: name.trim() } : {}), [source]: location.trim() };
    const repo = await api.post<RegisteredRepoView>('/api/repos', body);
    setName('');
    setLocation('');
    onRegistered(repo);
  });

  return (
    <section className="card" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Add a repository</h2>
      <ErrorNotice error={error} title="Not added" />
      <form className="form" onSubmit={submit}>
        <fieldset>
          <legend>Where Mender finds it</legend>
          <label className="radio">
            <input type="radio" name="source" checked={source === 'path'} onChange={() => setSource('path')} />
            <span>A local git checkout on this machine (its absolute path)</span>
          </label>
          <label className="radio">
            <input type="radio" name="source" checked={source === 'remoteUrl'} onChange={() => setSource('remoteUrl')} />
            <span>A remote URL Mender clones (https://github.com/owner/name, or file:// where allowed)</span>
          </label>
        </fieldset>
        <label>
          {source === 'path' ? 'Path' : 'Remote URL'}
          <input
            name={source}
            required
            value={location}
            onChange={(event) => setLocation(event.target.value)}
            placeholder={source === 'path' ? '/srv/checkouts/shop' : 'https://github.com/acme/shop'}
            className="mono"
          />
        </label>
        <FieldErrors error={error} field={source} />
        <label>
          Name {source === 'remoteUrl' ? <span className="muted small">(optional: the repository’s own name by default)</span> : null}
          <input name="name" value={name} onChange={(event) => setName(event.target.value)} required={source === 'path'} placeholder="shop" />
        </label>
        <FieldErrors error={error} field="name" />
        <div className="form-actions">
          <button type="submit" className="button primary" disabled={busy}>
            {busy ? 'Adding…' : 'Add repository'}
          </button>
        </div>
      </form>
    </section>
  );
}
