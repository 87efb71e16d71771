import type { ApiError } from '../api/api-error.ts';

/** An error said plainly, with the server's message (it says what to do). */
export function ErrorNotice({ error, title }: { error: ApiError | Error | string | undefined; title?: string }) {
  if (!error) return null;
  const message = typeof error === 'string' ? error : error.message;
  return (
    <div className="notice notice-bad" role="alert">
      {title ? <strong>{title}: </strong> : null}
      {message}
    </div>
  );
}
