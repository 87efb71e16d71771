import type { Role } from '../../../../src/domain/roles.ts';

/** What each role may do, in a line (the server's rules: viewers read, team leads decide, admins set up). */
export const roleHelp: Record<Role, string> = {
  viewer: 'Follows operations, issues and deployments; changes nothing.',
  'team-lead': 'Starts operations and approves, rejects or rolls back changes.',
  admin: 'Everything, and sets Mender up: repositories, projects, users and settings.',
};
