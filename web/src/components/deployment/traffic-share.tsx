/** The new release's share of traffic, as a number and a small bar (SVG: the page's CSP allows no inline styles). */
export function TrafficShare({ percent }: { percent: number }) {
  const clamped = Math.max(0, Math.min(100, percent));
  return (
    <span data-traffic={percent}>
      <svg className="traffic-bar" viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true">
        <rect x={0} y={0} width={100} height={6} className="traffic-rest" />
        <rect x={0} y={0} width={clamped} height={6} className="traffic-new" />
      </svg>
      {percent} %
    </span>
  );
}
