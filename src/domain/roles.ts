/** A person's role in Mender, lowest first. */
export const roles = ['viewer', 'team-lead', 'admin'] as const;
export type Role = (typeof roles)[number];

export interface Actor {
  id: string;
  name: string;
  role: Role;
}

const rank: Record<Role, number> = { viewer: 0, 'team-lead': 1, admin: 2 };

/** True when `role` is `minimum` or above. */
export function roleAtLeast(role: Role, minimum: Role): boolean {
  return rank[role] >= rank[minimum];
}
