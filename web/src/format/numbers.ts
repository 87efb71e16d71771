export function money(value: unknown): string {
  const amount = typeof value === 'number' && Number.isFinite(value) ? value : 0;
  // Sub-cent costs (small models, short runs) keep their first significant digits: $0.0042, not $0.00.
  return amount < 0.01 && amount > 0 ? `$${Number(amount.toFixed(4))}` : `$${amount.toFixed(2)}`;
}

export function count(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) ? value.toLocaleString() : '—';
}

export function percent(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : `${Math.round(value * 100)} %`;
}
