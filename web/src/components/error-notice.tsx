import type { ApiError } from '../api/api-error.ts';

/**
 * An error said plainly, with the server's message (it says what to do). With `onRetry`, a load
 * that failed offers to try again (it is also tried again by itself once the connection is back).
 */
export function ErrorNotice({ error, title, onRetry }: { error: ApiError | Error | string | undefined; title?: string; onRetry?: () => void }) {
  if (!error) return null;
  const message = typeof error === 'string' ? error : error.message;
  return (
    <div className="notice notice-bad" role="alert">
      {title ? <strong>{title}: </strong> : null}
      {message}
      {onRetry ? (
        <>
          {' '}
          <button type="button" className="button subtle" onClick={onRetry}>
            Try again
          </button>
        </>
      ) : null}
    </div>
  );
}
