import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { slashCommands } from './slack-commands.ts';

const manifest = fs.readFileSync(path.join(import.meta.dirname, '../../../slack-app-manifest.yml'), 'utf8');

describe('slack-app-manifest.yml', () => {
  it('declares every slash command Mender handles, at the commands route', () => {
    const declared = [...manifest.matchAll(/- command: (\/\w+)\n\s+url: (\S+)/g)].map((match) => [match[1], match[2]]);
    expect(declared.map(([command]) => command).sort()).toEqual([...slashCommands].sort());
    expect(new Set(declared.map(([, url]) => url))).toEqual(new Set(['https://mender.example.com/webhooks/slack/commands']));
  });

  it('sends button presses to the interactions route and asks for the scopes Mender uses', () => {
    expect(manifest).toContain('request_url: https://mender.example.com/webhooks/slack/interactions');
    for (const scope of ['commands', 'chat:write']) expect(manifest).toContain(`- ${scope}\n`);
  });
});
