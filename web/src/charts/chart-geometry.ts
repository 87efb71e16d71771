/** Shared sizes of the overview charts (SVG user units; the SVG scales to its box). */
export const chartWidth = 360;
export const chartHeight = 170;
export const chartPadding = { top: 10, right: 8, bottom: 22, left: 40 };

export const plotWidth = chartWidth - chartPadding.left - chartPadding.right;
export const plotHeight = chartHeight - chartPadding.top - chartPadding.bottom;

/** A round upper bound for the y axis (1, 2, 5 × 10^n), at least `minimum`. */
export function niceMaximum(value: number, minimum = 1): number {
  const target = Math.max(value, minimum);
  const magnitude = 10 ** Math.floor(Math.log10(target));
  for (const step of [1, 2, 5, 10]) if (step * magnitude >= target) return step * magnitude;
  return 10 * magnitude;
}

export function shortDay(day: string): string {
  return day.length >= 10 ? day.slice(5, 10) : day;
}

/** The indexes whose day labels fit under the axis: first, last and a few between. */
export function labelIndexes(count: number, wanted = 4): number[] {
  if (count <= wanted) return [...Array(count).keys()];
  const indexes = new Set<number>();
  for (let step = 0; step < wanted; step += 1) indexes.add(Math.round((step * (count - 1)) / (wanted - 1)));
  return [...indexes];
}
