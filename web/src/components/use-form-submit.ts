import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/api-error.ts';

/**
 * A form's submission: busy while `send` runs, its error (as the API said it) kept for the form
 * to show, cleared on the next try. `send` resets the form and hands the result on itself.
 */
export function useFormSubmit(send: () => Promise<void>): { busy: boolean; error: ApiError | undefined; submit(event: FormEvent): void } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    void send()
      .catch((caught: unknown) => setError(caught instanceof ApiError ? caught : new ApiError(0, 'error', String(caught))))
      .finally(() => setBusy(false));
  };
  return { busy, error, submit };
}
