import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMenderUnderTest, type MenderUnderTest } from '../support/mender-under-test.ts';
import { find, render, renderWithKubectl, type Manifest } from './support/kubernetes-manifests.ts';

// With the job queue on Redis the jobs table is empty, so the `production-redis` overlay scales
// the workers with KEDA's metrics-api scaler on Mender's GET /api/queue/depth. No cluster runs
// here: the test renders the overlay and sends the request KEDA would send (its URL's path and
// Host, a viewer's bearer token) to a running Mender, then reads the value where KEDA reads it.

const overlay = path.resolve(import.meta.dirname, '../../deploy/kubernetes/overlays/production-redis');
type Trigger = { type: string; metadata: Record<string, string>; authenticationRef?: { name: string } };

/** The overlay's scaler trigger: rendered when kubectl is there, else the patch as written. */
function scalerTrigger(manifests: Manifest[]): Trigger {
  if (renderWithKubectl) return find(manifests, 'ScaledObject', 'mender-worker').spec.triggers[0];
  const patch = parse(fs.readFileSync(path.join(overlay, 'worker-scaler-on-api.yaml'), 'utf8')) as { path: string; value: Trigger[] }[];
  return patch.find((operation) => operation.path === '/spec/triggers')!.value[0]!;
}

describe('the KEDA scaler of the production-redis overlay', () => {
  const manifests = render('production-redis');
  const trigger = scalerTrigger(manifests);
  const url = new URL(trigger.metadata.url!);
  let mender: MenderUnderTest;
  beforeAll(async () => {
    mender = await startMenderUnderTest({ MENDER_ALLOWED_HOSTS: 'localhost,mender.mender.svc.cluster.local' });
  }, 60_000);
  afterAll(async () => mender?.close());

  it('asks the web Service for the depth of the queues the scaled worker takes, with a bearer token from the secret', () => {
    expect(trigger).toMatchObject({ type: 'metrics-api', metadata: { authMode: 'bearer', format: 'json', valueLocation: 'scaling' } });
    expect(Number(trigger.metadata.targetValue)).toBeGreaterThan(0);
    const service = find(manifests, 'Service', 'mender');
    expect(url.hostname).toBe(
      `${service.metadata.name}.${renderWithKubectl ? (service.metadata as { namespace?: string }).namespace : 'mender'}.svc.cluster.local`,
    );
    expect(url.pathname).toBe('/api/queue/depth');
    const worker = find(manifests, 'Deployment', 'mender-worker');
    const queues = worker.spec.template.spec.containers[0].env.find((entry: { name: string }) => entry.name === 'MENDER_WORKER_QUEUES').value;
    expect(url.searchParams.get('queues')).toBe(queues);
    const authentication = find(manifests, 'TriggerAuthentication', trigger.authenticationRef!.name);
    expect(authentication.spec.secretTargetRef).toEqual([{ parameter: 'token', name: 'mender-secrets', key: 'scaler-token' }]);
  });

  it.runIf(renderWithKubectl)('lets the web process answer to the Service name KEDA calls', () => {
    const settings = manifests.find((manifest) => manifest.kind === 'ConfigMap' && manifest.metadata.name.startsWith('mender-settings'))!;
    expect(String(settings.data.MENDER_ALLOWED_HOSTS).split(',')).toContain(url.hostname);
  });

  it("gets a number at the trigger's valueLocation from a running Mender with a viewer's token", async () => {
    const viewer = (await mender.call('POST', '/api/users', { name: 'keda-scaler', role: 'viewer' })).json as { token: string };
    const response = await mender.app.request(`${url.pathname}${url.search}`, {
      headers: { host: url.host, authorization: `Bearer ${viewer.token}` },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body[trigger.metadata.valueLocation!]).toBe(0);
    expect(Object.keys(body.queues as object)).toEqual(url.searchParams.get('queues')!.split(','));
  });
});
