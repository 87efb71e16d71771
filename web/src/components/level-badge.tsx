const tones: Record<string, string> = {
  auto: 'good',
  'team-lead': 'waiting',
  admin: 'bad',
  'manual-only': 'bad',
  low: 'good',
  medium: 'waiting',
  high: 'bad',
  critical: 'bad',
};

/** An approval level (auto, team-lead, admin, manual-only) or a risk level. */
export function LevelBadge({ level, prefix }: { level: string; prefix?: string }) {
  return (
    <span className={`badge tone-${tones[level] ?? 'neutral'}`}>
      {prefix ? `${prefix} ` : ''}
      {level}
    </span>
  );
}
