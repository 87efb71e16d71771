import { useEffect, useState } from 'react';
import { api } from '../api/api-client.ts';
import { DiffViewer } from '../diff/diff-viewer.tsx';
import { ErrorNotice } from './error-notice.tsx';

/** Loads the change's diff; again whenever the change's head commit moves. */
export function OperationDiff({ operationId, headCommit }: { operationId: string; headCommit: string }) {
  const [diff, setDiff] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    let cancelled = false;
    api
      .text(`/api/operations/${operationId}/diff`)
      .then((text) => !cancelled && (setDiff(text), setError(undefined)))
      .catch((caught: unknown) => !cancelled && setError(caught instanceof Error ? caught.message : String(caught)));
    return () => {
      cancelled = true;
    };
  }, [operationId, headCommit]);
  if (error) return <ErrorNotice error={error} title="The diff could not be loaded" />;
  if (diff === undefined) return <p className="muted">Loading the diff…</p>;
  return <DiffViewer diff={diff} viewedKey={`mender-viewed:${operationId}:${headCommit}`} />;
}
