import type { ApiError } from '../api/api-error.ts';

/** The server's complaints about one field of a form. */
export function FieldErrors({ error, field }: { error: ApiError | undefined; field: string }) {
  const messages = error?.fields?.[field];
  if (!messages?.length) return null;
  return (
    <ul className="field-errors" role="alert">
      {messages.map((message) => (
        <li key={message}>{message}</li>
      ))}
    </ul>
  );
}
