/**
 * Whether `candidate` is a newer release than `resolvedIn`. Versions that read as numbers
 * (`1.4.2`, `v2.0`, `app@3.1.0`) compare numerically; anything else counts as newer when the
 * issue never saw it before (a new build id or commit).
 */
export function isNewerRelease(candidate: string | undefined, resolvedIn: string | null, seenBefore: readonly string[]): boolean {
  if (!candidate) return false;
  if (candidate === resolvedIn) return false;
  const a = versionNumbers(candidate);
  const b = resolvedIn ? versionNumbers(resolvedIn) : undefined;
  if (a && b) {
    for (let index = 0; index < Math.max(a.length, b.length); index += 1) {
      const difference = (a[index] ?? 0) - (b[index] ?? 0);
      if (difference !== 0) return difference > 0;
    }
    return false;
  }
  return !seenBefore.includes(candidate);
}

function versionNumbers(release: string): number[] | undefined {
  const match = /(?:^|@)v?(\d+(?:\.\d+)*)(?:[-+].*)?$/.exec(release);
  return match ? match[1]!.split('.').map(Number) : undefined;
}
