import { afterEach, describe, expect, it } from 'vitest';
import { migratedDatabaseFolders } from '../../test/support/pglite-copies.ts';
import { openStore, type Store } from '../store/database.ts';
import { EventHub } from '../store/event-hub.ts';
import { AgentControl } from './agent-control.ts';

describe('the kill switch across processes', () => {
  const databases = migratedDatabaseFolders('mender-pause-follow-');
  const stores: Store[] = [];
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    databases.removeAll();
  });

  it('stops the steps of a process that follows the switch when another one pauses, and lets them go on resume', async () => {
    const store = await openStore({ directory: await databases.next() });
    stores.push(store);
    // Two processes: each its own AgentControl and event hub, one database.
    const web = new AgentControl(store.db, new EventHub());
    const worker = new AgentControl(store.db, new EventHub());
    await web.load();
    await worker.load();
    const stopFollowing = worker.follow(20);
    let aborted = 0;
    worker.onPause(() => (aborted += 1));

    await web.pause('admin', 'incident');
    for (let tries = 0; tries < 200 && !worker.paused; tries += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(worker.paused).toBe(true);
    expect(aborted).toBe(1);
    expect(worker.status()).toMatchObject({ paused: true, by: 'admin', reason: 'incident' });

    let released = false;
    const waiting = worker.whenRunning(new AbortController().signal).then(() => (released = true));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(released).toBe(false);
    await web.resume('admin');
    await waiting;
    expect(worker.paused).toBe(false);
    expect(aborted).toBe(1);
    stopFollowing();
  });
});
