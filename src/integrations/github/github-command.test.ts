import { describe, expect, it } from 'vitest';
import { parseMenderCommand, roleForPermission } from './github-command.ts';

describe('parseMenderCommand', () => {
  it.each([
    ['@mender approve', { command: 'approve', comment: undefined }],
    ['@Mender APPROVE: looks right', { command: 'approve', comment: 'looks right' }],
    ['Checked the diff.\n@mender reject not like this', { command: 'reject', comment: 'not like this' }],
    ['  @mender fix', { command: 'fix', comment: undefined }],
    ['@mender retry', { command: 'retry', comment: undefined }],
  ])('reads %j', (body, expected) => {
    expect(parseMenderCommand(body)).toEqual(expected);
  });

  it.each([['thanks @mender approve'], ['> @mender approve\nquoting it'], ['@mender deploy'], ['@menderbot approve'], ['@mender approved'], ['']])(
    'finds no command in %j',
    (body) => {
      expect(parseMenderCommand(body)).toBeUndefined();
    },
  );
});

describe('roleForPermission', () => {
  it('maps admin to admin, maintain and write to team-lead, anything else to viewer', () => {
    expect(roleForPermission('admin')).toBe('admin');
    expect(roleForPermission('maintain')).toBe('team-lead');
    expect(roleForPermission('write')).toBe('team-lead');
    expect(roleForPermission('triage')).toBe('viewer');
    expect(roleForPermission('read')).toBe('viewer');
    expect(roleForPermission('none')).toBe('viewer');
    expect(roleForPermission(undefined)).toBe('viewer');
  });
});
