import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { settingsSchema, type Settings } from '../config/settings-schema.ts';
import type { RemoteRepositories } from '../forge/forge.ts';
import type { RemoteForge } from '../forge/forge-router.ts';
import type { ForgeProvider, ForgeProviderContext } from './forge-provider.ts';
import { createRemoteForges, forgeProviders } from './forge-providers.ts';
import type { WebhookInbox } from './webhook-inbox.ts';

// What every registered forge provider must do; a new one is checked by these without a new test.
describe.each(forgeProviders.map((provider) => [provider.id, provider] as const))('forge provider %s', (id, provider) => {
  it('has an id fit for a URL path and an inbox source, unlike any other', () => {
    expect(id).toMatch(/^[a-z][a-z0-9-]{0,30}$/);
    expect(forgeProviders.filter((other) => other.id === id)).toHaveLength(1);
  });

  it('declares its settings, each defined in the settings schema, and every setting named after it', () => {
    for (const key of provider.settingKeys) expect(Object.keys(settingsSchema)).toContain(key);
    const namedAfterIt = Object.keys(settingsSchema).filter((key) => key.startsWith(id));
    expect([...provider.settingKeys].sort()).toEqual(expect.arrayContaining(namedAfterIt.sort()));
  });

  it(`registers POST /webhooks/${id}`, () => {
    const app = new Hono();
    provider.registerWebhookRoutes(app, { inbox: {} as WebhookInbox, settings: {} as Settings });
    expect(app.routes.some((route) => route.method === 'POST' && route.path === `/webhooks/${id}`)).toBe(true);
  });
});

/** A provider whose services are plain objects: enough to see how the registry combines them. */
function fakeProvider(id: string): ForgeProvider & { remoteRepositories: RemoteRepositories } {
  const remoteRepositories = { remoteOf: async () => `${id}:acme/shop` } as unknown as RemoteRepositories;
  return {
    id,
    settingKeys: [],
    remoteRepositories,
    registerWebhookRoutes: () => {},
    create: () => ({ forge: {} as RemoteForge, remoteRepositories, webhookProcessor: () => async () => {}, start: () => {}, stop: async () => {} }),
  };
}

describe('createRemoteForges', () => {
  const context = {} as ForgeProviderContext;

  it("builds each provider's services under its id, and offers its registration by URL", () => {
    const provider = fakeProvider('forgejo');
    const forges = createRemoteForges([provider], context);
    expect(forges.instances.map((instance) => instance.id)).toEqual(['forgejo']);
    expect(forges.remoteRepositories).toBe(provider.remoteRepositories);
  });

  it('offers no registration by URL without a remote forge', () => {
    expect(createRemoteForges([], context)).toEqual({ instances: [], remoteRepositories: undefined });
  });

  it('refuses two forges, since a bare remote URL cannot yet say which one it names', () => {
    expect(() => createRemoteForges([fakeProvider('github'), fakeProvider('gitlab')], context)).toThrow(
      'github and gitlab are both registered forges: registering repositories by remote URL cannot yet choose between them',
    );
  });
});
