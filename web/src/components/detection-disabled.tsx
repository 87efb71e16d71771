import { EmptyState } from './empty-state.tsx';

export function DetectionDisabled() {
  return (
    <EmptyState>
      <p>
        <strong>Detection is not enabled.</strong>
      </p>
      <p className="muted">
        When Mender watches your applications for errors, each new problem shows here with its severity, how often it happens and the operation that fixes it.
      </p>
    </EmptyState>
  );
}
