/** The end of a test run's output, folded: where a runner prints the failures. */
export function OutputExcerpt({ output, label }: { output: string | undefined; label: string }) {
  if (!output?.trim()) return null;
  return (
    <details className="output-excerpt" data-testid="output-excerpt">
      <summary>{label}</summary>
      <pre className="code-block small">{output}</pre>
    </details>
  );
}
