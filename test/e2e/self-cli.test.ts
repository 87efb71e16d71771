import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeSupervisor, firstState, stateOnProbation, type FakeSupervisor } from '../support/fake-supervisor.ts';
import { runMenderCli } from '../support/mender-cli.ts';
import { adminToken, startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { createTargetRepository, type TargetRepository } from '../support/target-repository.ts';

// Each run of the real command starts a Node process: the cases keep to the calls that show a behaviour.
describe('mender self enable | status | rollback', () => {
  let checkout: TargetRepository;
  let mender: MenderUnderTest;
  let supervisor: FakeSupervisor;
  let cliEnv: NodeJS.ProcessEnv;

  const cli = (...args: string[]) => runMenderCli(cliEnv, ...args);

  beforeAll(async () => {
    checkout = createTargetRepository();
    supervisor = createFakeSupervisor(checkout.path, firstState(checkout.path));
    mender = await startMenderUnderTest({}, { supervisor });
    cliEnv = { PATH: process.env.PATH, HOME: process.env.HOME, MENDER_URL: mender.url, MENDER_ADMIN_TOKEN: adminToken, MENDER_DATA_DIR: mender.dataDir };
  }, 120_000);
  afterAll(async () => {
    await mender?.close();
    checkout?.cleanup();
  });

  it('enable registers the checkout and says how to ask for a change; rollback without a previous version fails saying why', async () => {
    const enabled = await cli('self', 'enable');
    expect(enabled.stderr).toBe('');
    expect(enabled.stdout).toBe(
      `registered mender (${checkout.path}, default branch main) as Mender's own repository\nask for a change: mender fix "<what to change>" --repo mender\n`,
    );
    const refused = await cli('self', 'rollback');
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toBe(
      'mender: there is no previous version to go back to: Mender runs 111111111111 (the checkout) and no earlier version has been blessed since (HTTP 409)\n',
    );
    expect(supervisor.rollbacks).toEqual([]);
  });

  it('status prints the versions, the update on probation and the last updates with cause and timings', async () => {
    supervisor.publish(stateOnProbation(checkout.path));
    const status = await cli('self', 'status');
    expect(status.stderr).toBe('');
    expect(status.stdout).toBe(
      [
        'running 333333333333 (slot b); the update to 333333333333 is on probation (no operation step completed yet; it must stay healthy 300 s); it can roll back to 222222222222 (slot a)',
        '',
        'self repository: mender',
        `checkout: ${checkout.path}`,
        'supervisor: pid 4242 on 127.0.0.1:4100, since 2026-12-03T09:00:00.000Z',
        'active:   333333333333  slot b  /data/self/slots/b',
        'previous: 222222222222  slot a  /data/self/slots/a',
        'in flight: su-3 probation: 222222222222 → 333333333333 into slot b (operation op-trial, requested by mender at 2026-12-03T12:00:00.000Z)',
        '  probation: healthy since 2026-12-03T12:00:51.000Z, must stay healthy 300 s',
        '  operation step completed: not yet',
        '  exits: exit code 1 at 12:00:40',
        '  prepare 40.0 s, handover 0.3 s',
        'history (last 2 of 2):',
        '  su-2 reverted 222222222222 → 444444444444 (health_failing: /health answered 503 for 30 s); operation op-reverted, requested by mender at 2026-12-03T11:00:00.000Z; prepare 39.0 s, handover 0.4 s, fault to serving 2.5 s; database restored from the backup',
        '  su-1 blessed 111111111111 → 222222222222; operation op-blessed, requested by mender at 2026-12-03T10:00:00.000Z; prepare 41.0 s, handover 0.3 s, request to serving 60.0 s',
        '',
      ].join('\n'),
    );
    const json = await cli('self', 'status', '--json');
    expect(JSON.parse(json.stdout)).toMatchObject({ supervised: true, repo: 'mender', state: { current: { id: 'su-3', phase: 'probation' } } });
  });

  it('rollback asks the supervisor for the previous version', async () => {
    const asked = await cli('self', 'rollback', '--comment', 'slow');
    expect(asked.stderr).toBe('');
    expect(asked.stdout).toBe('asked the supervisor to go back from 333333333333 to 222222222222: follow it with mender self status\n');
    expect(supervisor.rollbacks).toEqual(['admin']);
  });

  it('status says so when nothing supervises Mender', async () => {
    supervisor.supervised = false;
    try {
      const status = await cli('self', 'status');
      expect(status.stdout).toBe(
        'Mender is not running under its supervisor (started with `mender start --no-supervisor`, or in-process): it cannot update or roll back itself; run it with `mender start` without --no-supervisor\n\nself repository: mender\n' +
          `checkout: ${checkout.path}\n`,
      );
    } finally {
      supervisor.supervised = true;
    }
  });
});
