/** A tiny bar histogram of an issue's events over time (title carries the numbers). */
export function Sparkline({ points, label }: { points: { t: string; n: number }[]; label: string }) {
  if (!points.length) return null;
  const maximum = Math.max(1, ...points.map((point) => point.n));
  const width = 120;
  const height = 28;
  const slot = width / points.length;
  return (
    <svg
      viewBox={`0 0 ${width} ${height}`}
      width={width}
      height={height}
      role="img"
      aria-label={`${label}: ${points.reduce((sum, point) => sum + point.n, 0)} events in the window`}
      className="sparkline"
    >
      {points.map((point, index) => {
        const barHeight = (point.n / maximum) * (height - 2);
        return (
          <rect key={point.t} x={index * slot + 0.5} y={height - barHeight} width={Math.max(1, slot - 1)} height={barHeight} className="fill-accent">
            <title>{`${point.t}: ${point.n}`}</title>
          </rect>
        );
      })}
    </svg>
  );
}
