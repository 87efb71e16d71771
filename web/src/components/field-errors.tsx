import type { ApiError } from '../api/api-error.ts';

/** The server's complaints about one field of a form. */
export function FieldErrors({ error, field }: { error: ApiError | undefined; field: string }) {
  const messages = error?.fields?.[field];
  if (!messages?.length) return null;
  return (
    // The alert wraps the list: role="alert" on the <ul> itself would take its list role away (axe: listitem).
    <div role="alert">
      <ul className="field-errors">
        {messages.map((message) => (
          <li key={message}>{message}</li>
        ))}
      </ul>
    </div>
  );
}
