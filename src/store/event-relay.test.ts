import { asc, sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable, startPostgresServer, type PostgresServer } from '../../test/support/postgres-server.ts';
import { writeIssueEvent } from '../detect/issue-events.ts';
import { openStore, type Store } from './database.ts';
import { EventHub, type RecordedEvent } from './event-hub.ts';
import { EventRelay } from './event-relay.ts';
import { events } from './schema.ts';

/** One process's share: its store, hub and relay, and what its hub handed to each kind of subscriber. */
interface Process {
  store: Store;
  hub: EventHub;
  relay: EventRelay;
  all: RecordedEvent[];
  recordedHere: RecordedEvent[];
  errors: string[];
}

async function startProcess(databaseUrl: string): Promise<Process> {
  const store = await openStore({ databaseUrl });
  const hub = new EventHub();
  const errors: string[] = [];
  // A fast reconnect and a slow poll: the reconnect is what recovers a killed listener here.
  const relay = new EventRelay({ db: store.db, hub, databaseUrl, pollMs: 60_000, reconnectMs: 50, onError: (message) => errors.push(message) });
  const process: Process = { store, hub, relay, all: [], recordedHere: [], errors };
  hub.subscribe((event) => process.all.push(event));
  hub.subscribe((event) => process.recordedHere.push(event), 'recorded-here');
  await relay.start();
  return process;
}

/** Records one event the way every writer does: in a transaction, published after commit. */
async function record(process: Process, label: string): Promise<RecordedEvent> {
  const recorded = await process.store.db.transaction((transaction) => writeIssueEvent(transaction, 'issue-relay', 'test', 'issue.noted', { label }));
  process.hub.publish([recorded]);
  return recorded;
}

/** Resolves once the hub delivered an event with this sequence (or a later one) to `all` subscribers. */
function deliveredThrough(process: Process, sequence: number): Promise<void> {
  if ((process.all.at(-1)?.sequence ?? 0) >= sequence) return Promise.resolve();
  return new Promise((resolve) => {
    const off = process.hub.subscribe((event) => {
      if (event.sequence < sequence) return;
      off();
      resolve();
    });
  });
}

// Its own server, stopped after the relays and pools: a server stopping under open pools ends their connections with errors.
describe.skipIf(!postgresAvailable())('the event relay on PostgreSQL', () => {
  let server: PostgresServer | undefined;
  const getUrl = () => server!.url;
  const processes: Process[] = [];
  const tableSequences = async (after: number) =>
    (
      await processes[0]!.store.db
        .select({ sequence: events.sequence })
        .from(events)
        .where(sql`${events.sequence} > ${after}`)
        .orderBy(asc(events.sequence))
    ).map((row) => row.sequence);

  beforeAll(async () => {
    server = await startPostgresServer();
    processes.push(await startProcess(getUrl()), await startProcess(getUrl()));
  });

  afterAll(async () => {
    for (const process of processes.splice(0)) {
      await process.relay.stop();
      await process.store.close();
    }
    await server?.stop();
  });

  it('delivers every event written concurrently by two processes to both, in sequence order, each once', async () => {
    const [a, b] = [processes[0]!, processes[1]!];
    const start = a.relay.stats().lastSequence;
    const written = await Promise.all(Array.from({ length: 30 }, (_, index) => [record(a, `a${index}`), record(b, `b${index}`)]).flat());
    const last = Math.max(...written.map((event) => event.sequence));
    await Promise.all([deliveredThrough(a, last), deliveredThrough(b, last)]);

    const expected = await tableSequences(start);
    expect(expected).toHaveLength(60);
    for (const process of [a, b]) expect(process.all.map((event) => event.sequence)).toEqual(expected);
    // What each process recorded itself, and only that, goes to the subscribers that act on events.
    expect(a.recordedHere.map((event) => event.data.label).sort()).toEqual(
      written
        .filter((event) => String(event.data.label).startsWith('a'))
        .map((event) => event.data.label)
        .sort(),
    );
    expect(b.recordedHere.every((event) => String(event.data.label).startsWith('b'))).toBe(true);
    // The relayed copy is the row as stored.
    expect(b.all.find((event) => event.data.label === 'a0')).toMatchObject({
      type: 'issue.noted',
      actor: 'test',
      data: { issueId: 'issue-relay', label: 'a0' },
    });
  });

  it('recovers from a killed listening connection without a gap: events written meanwhile arrive, in order', async () => {
    const [a, b] = [processes[0]!, processes[1]!];
    const start = b.relay.stats().lastSequence;
    const admin = new pg.Client({ connectionString: getUrl() });
    await admin.connect();
    try {
      // Found first, then ended one by one: in one statement PostgreSQL may call pg_terminate_backend before the other conditions.
      const listeners = await admin.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE query = 'LISTEN mender_events'`);
      expect(listeners.rows).toHaveLength(2);
      for (const { pid } of listeners.rows) await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      const written: RecordedEvent[] = [];
      for (let index = 0; index < 5; index += 1) written.push(await record(a, `after-kill-${index}`));
      const last = written.at(-1)!.sequence;
      await Promise.all([deliveredThrough(a, last), deliveredThrough(b, last)]);
      const expected = await tableSequences(start);
      for (const process of [a, b]) expect(process.all.map((event) => event.sequence).filter((sequence) => sequence > start)).toEqual(expected);
      expect(b.errors.some((message) => message.includes('the listening connection was lost'))).toBe(true);
      // Listening again: an event from the other process arrives through a notification, not the (minute-long) poll.
      await new Promise<void>((resolve, reject) => {
        const deadline = Date.now() + 20_000;
        const check = async () => {
          const listening = await admin.query(`SELECT count(*)::int AS count FROM pg_stat_activity WHERE query = 'LISTEN mender_events'`);
          if ((listening.rows[0] as { count: number }).count === 2) return resolve();
          if (Date.now() > deadline) return reject(new Error('the relays did not listen again'));
          setTimeout(() => void check(), 50);
        };
        void check();
      });
      const another = await record(a, 'listening-again');
      await deliveredThrough(b, another.sequence);
      expect(b.all.at(-1)?.sequence).toBe(another.sequence);
    } finally {
      await admin.end();
    }
  });

  it('stops without leaving a connection open, the listening one included', async () => {
    for (const process of processes.splice(0)) {
      await process.relay.stop();
      await process.store.close();
    }
    const admin = new pg.Client({ connectionString: getUrl() });
    await admin.connect();
    try {
      // A closed client's server process ends a moment after the socket closes: look until it has.
      let left = await admin.query(`SELECT query FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()`);
      for (let tries = 0; tries < 50 && left.rows.length > 0; tries += 1) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        left = await admin.query(`SELECT query FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()`);
      }
      expect(left.rows).toEqual([]);
    } finally {
      await admin.end();
    }
  });
});
