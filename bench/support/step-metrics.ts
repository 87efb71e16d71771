/**
 * Reads `mender_step_duration_seconds_sum` from the Prometheus text of GET /metrics: total seconds
 * per pipeline step (plan, execute, baseline, code, verify, review), over every outcome. The
 * difference between two readings is the time the steps of one operation took.
 */
export type StepSeconds = Record<string, number>;

const sumLine = /^mender_step_duration_seconds_sum\{([^}]*)\}\s+([0-9.eE+-]+)$/;

export function parseStepSeconds(metricsText: string): StepSeconds {
  const totals: StepSeconds = {};
  for (const line of metricsText.split('\n')) {
    const match = sumLine.exec(line.trim());
    if (!match) continue;
    const step = /step="([^"]*)"/.exec(match[1]!)?.[1];
    if (step) totals[step] = (totals[step] ?? 0) + Number(match[2]);
  }
  return totals;
}

/** Milliseconds each step took between two readings. */
export function stepMillisecondsBetween(before: StepSeconds, after: StepSeconds): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [step, seconds] of Object.entries(after)) result[step] = (seconds - (before[step] ?? 0)) * 1000;
  return result;
}
