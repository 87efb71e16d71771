import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { parse } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/database.ts';
import { copyMigratedDatabase } from '../support/pglite-copies.ts';
import { queueNames } from '../../src/domain/process-roles.ts';
import { find, render, renderWithKubectl } from './support/kubernetes-manifests.ts';

// No container engine or cluster runs these files here: this test holds them to what Mender needs
// (docs/scale-out.md). The manifests are rendered with `kubectl kustomize` when kubectl is on the
// PATH (it renders offline), else read file by file without the overlays' transformations.

const root = path.resolve(import.meta.dirname, '../..');
const secretNamed = /(^DATABASE_URL$|TOKEN|SECRET|PASSWORD|_KEY$|PRIVATE)/;

describe.each(['production', 'development'])('the Kubernetes manifests (%s overlay)', (overlay) => {
  const manifests = render(overlay);
  const deployments = manifests.filter((manifest) => manifest.kind === 'Deployment');

  it(`has a web, a worker and a serial worker Deployment of one image, each with probes and resources (${renderWithKubectl ? 'rendered by kubectl kustomize' : 'files as written'})`, () => {
    expect(deployments.map((deployment) => deployment.metadata.name).sort()).toEqual(['mender-serial-worker', 'mender-web', 'mender-worker']);
    const images = new Set<string>();
    for (const deployment of deployments) {
      const role = deployment.metadata.name === 'mender-web' ? 'web' : 'worker';
      const pod = deployment.spec.template.spec;
      expect(pod.containers).toHaveLength(1);
      for (const container of pod.containers) {
        images.add(container.image);
        expect(container.args).toEqual(['start', '--no-supervisor', '--role', role]);
        expect(container.livenessProbe.httpGet.path).toBe('/health');
        expect(container.startupProbe.httpGet.path).toBe('/health');
        expect(container.readinessProbe.httpGet.path).toBe('/ready');
        for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe])
          expect(probe.httpGet.httpHeaders).toContainEqual({ name: 'Host', value: 'localhost' });
        expect(container.resources.requests.cpu).toBeTruthy();
        expect(container.resources.requests.memory).toBeTruthy();
        expect(container.resources.limits.memory).toBeTruthy();
      }
    }
    expect(images.size).toBe(1);
  });

  it('runs every pod as a non-root user without privileges, a token or cluster rights', () => {
    expect(manifests.filter((manifest) => /Role(Binding)?$/.test(manifest.kind))).toEqual([]);
    expect(find(manifests, 'ServiceAccount', 'mender').automountServiceAccountToken).toBe(false);
    for (const deployment of deployments) {
      const pod = deployment.spec.template.spec;
      expect(pod.serviceAccountName).toBe('mender');
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.hostNetwork ?? false).toBe(false);
      expect(pod.hostPID ?? false).toBe(false);
      expect(pod.securityContext.runAsNonRoot).toBe(true);
      expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
      for (const container of pod.containers) {
        expect(container.securityContext.privileged ?? false).toBe(false);
        expect(container.securityContext.allowPrivilegeEscalation).toBe(false);
        expect(container.securityContext.capabilities.drop).toEqual(['ALL']);
        expect(container.securityContext.capabilities.add ?? []).toEqual([]);
      }
      // Only the workers run sandboxed commands: only they lift the syscall filter (for bubblewrap's namespaces).
      expect(pod.securityContext.seccompProfile.type).toBe(deployment.metadata.name === 'mender-web' ? 'RuntimeDefault' : 'Unconfined');
    }
  });

  it('takes secrets by reference only', () => {
    expect(manifests.filter((manifest) => manifest.kind === 'Secret')).toEqual([]);
    for (const configMap of manifests.filter((manifest) => manifest.kind === 'ConfigMap'))
      for (const key of Object.keys(configMap.data ?? {})) expect(key).not.toMatch(secretNamed);
    for (const deployment of deployments)
      for (const container of deployment.spec.template.spec.containers) {
        const secretEnvironment = (container.env as { name: string; value?: string; valueFrom?: any }[]).filter((variable) => secretNamed.test(variable.name));
        expect(secretEnvironment.map((variable) => variable.name)).toEqual(expect.arrayContaining(['DATABASE_URL', 'MENDER_ADMIN_TOKEN']));
        for (const variable of secretEnvironment) {
          expect(variable.value, variable.name).toBeUndefined();
          expect(variable.valueFrom.secretKeyRef.name).toBe('mender-secrets');
        }
      }
  });

  it('gives every queue to exactly one kind of worker, and the serial queues to one process at a time', () => {
    const queuesOf = (name: string) =>
      String(
        find(manifests, 'Deployment', name).spec.template.spec.containers[0].env.find((variable: { name: string }) => variable.name === 'MENDER_WORKER_QUEUES')
          .value,
      ).split(',');
    const scaled = queuesOf('mender-worker');
    const serial = queuesOf('mender-serial-worker');
    expect([...scaled, ...serial].sort()).toEqual([...queueNames].sort());
    expect(serial.sort()).toEqual(['deploying', 'detection', 'merging', 'self']);
    const serialWorker = find(manifests, 'Deployment', 'mender-serial-worker');
    expect(serialWorker.spec.replicas).toBe(1);
    expect(serialWorker.spec.strategy.type).toBe('Recreate');
    expect(manifests.filter((manifest) => manifest.kind === 'ScaledObject').map((manifest) => manifest.spec.scaleTargetRef.name)).not.toContain(
      'mender-serial-worker',
    );
  });

  it('serves the web pods, keeps one pod of each kind through evictions and gives workers the time to drain', () => {
    const web = find(manifests, 'Deployment', 'mender-web');
    const workers = ['mender-worker', 'mender-serial-worker'].map((name) => find(manifests, 'Deployment', name));
    const service = find(manifests, 'Service', 'mender');
    expect(web.spec.template.metadata.labels).toMatchObject(service.spec.selector);
    for (const deployment of [web, ...workers]) {
      const component = deployment.spec.template.metadata.labels['app.kubernetes.io/component'];
      expect(find(manifests, 'PodDisruptionBudget', deployment.metadata.name).spec.selector.matchLabels).toEqual({
        'app.kubernetes.io/name': 'mender',
        'app.kubernetes.io/component': component,
      });
    }
    for (const worker of workers) {
      expect(worker.spec.template.metadata.labels).not.toMatchObject(service.spec.selector);
      const drain = Number(worker.spec.template.spec.containers[0].env.find((variable: { name: string }) => variable.name === 'MENDER_DRAIN_SECONDS').value);
      expect(drain).toBeGreaterThan(0);
      // The drain, the 10 s the queue gives stopped steps to hand their jobs back, and closing.
      expect(worker.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(drain + 30);
    }
    expect(web.spec.template.spec.containers[0].lifecycle.preStop.exec.command[0]).toBe('sleep');
    for (const deployment of [web, ...workers]) {
      const volume = deployment.spec.template.spec.volumes.find((entry: { name: string }) => entry.name === 'data');
      expect(volume.persistentVolumeClaim.claimName).toBe('mender-data');
    }
    expect(find(manifests, 'PersistentVolumeClaim', 'mender-data').spec.accessModes).toEqual(['ReadWriteMany']);
  });
});

describe('the KEDA ScaledObject', () => {
  const manifests = render('production');
  const scaler = find(manifests, 'ScaledObject', 'mender-worker');
  const [trigger] = scaler.spec.triggers as { type: string; metadata: Record<string, string> }[];
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mender-keda-'));
  afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

  it('scales the worker Deployment with the postgresql scaler on its own DATABASE_URL', () => {
    expect(scaler.apiVersion).toBe('keda.sh/v1alpha1');
    expect(scaler.spec.scaleTargetRef.name).toBe('mender-worker');
    expect(scaler.spec.minReplicaCount).toBeGreaterThanOrEqual(1);
    expect(scaler.spec.maxReplicaCount).toBeGreaterThan(scaler.spec.minReplicaCount);
    expect(trigger?.type).toBe('postgresql');
    expect(Number(trigger?.metadata.targetQueryValue)).toBeGreaterThan(0);
    expect(trigger?.metadata.connectionFromEnv).toBe('DATABASE_URL');
    const worker = find(manifests, 'Deployment', 'mender-worker');
    const variable = worker.spec.template.spec.containers[0].env.find((entry: { name: string }) => entry.name === 'DATABASE_URL');
    expect(variable.valueFrom.secretKeyRef).toBeDefined();
    expect(scaler.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.stabilizationWindowSeconds).toBeGreaterThan(0);
  });

  it('counts waiting, soon-due and running jobs of the real jobs table, not completed, failed or far-off ones', async () => {
    await copyMigratedDatabase(folder);
    const store = await openStore({ directory: folder });
    try {
      const now = Date.now();
      const row = (status: string, runInMs: number, queue = 'execution') =>
        sql`(${queue}, 'step', '{}'::jsonb, ${status}, 3, 1000, ${new Date(now + runInMs).toISOString()}::timestamptz)`;
      await store.db.execute(
        sql`INSERT INTO jobs (queue, name, payload, status, max_attempts, backoff_ms, run_at) VALUES ${sql.join(
          [
            row('waiting', -1_000),
            row('waiting', 0, 'planning'),
            row('waiting', 60_000, 'webhooks'), // a retry due in a minute
            row('waiting', 3_600_000, 'execution'), // a retry an hour away
            row('waiting', 0, 'merging'), // the serial worker's, not the scaled one's
            row('active', -5_000),
            row('completed', -10_000),
            row('failed', -10_000),
          ],
          sql`, `,
        )}`,
      );
      const result = await store.db.execute(sql.raw(trigger!.metadata.query!));
      const [first] = (result as unknown as { rows: Record<string, unknown>[] }).rows;
      expect(Object.values(first ?? {}).map(Number)).toEqual([4]);
    } finally {
      await store.close();
    }
  });
});

describe('compose.yaml', () => {
  const compose = parse(fs.readFileSync(path.join(root, 'compose.yaml'), 'utf8'), { merge: true }) as { services: Record<string, any> };

  it('starts PostgreSQL, Redis, one web, two workers and a serial worker from one image, every one with a health check', () => {
    const { services } = compose;
    expect(Object.keys(services).sort()).toEqual(['postgres', 'redis', 'serial-worker', 'web', 'worker']);
    expect(services.web.command).toEqual(['start', '--no-supervisor', '--role', 'web']);
    expect(services.worker.command).toEqual(['start', '--no-supervisor', '--role', 'worker']);
    expect(services['serial-worker'].command).toEqual(['start', '--no-supervisor', '--role', 'worker']);
    expect(services.web.deploy?.replicas ?? 1).toBe(1);
    expect(services.worker.deploy.replicas).toBe(2);
    expect(services['serial-worker'].deploy.replicas).toBe(1);
    const queues = [services.worker, services['serial-worker']].flatMap((service) => String(service.environment.MENDER_WORKER_QUEUES).split(','));
    expect(queues.sort()).toEqual([...queueNames].sort());
    expect(services.web.image).toBe(services.worker.image);
    expect(services['serial-worker'].image).toBe(services.worker.image);
    expect(services.web.build).toBe('.');
    for (const name of ['web', 'worker', 'serial-worker']) {
      expect(services[name].environment.DATABASE_URL).toMatch(/^postgres:\/\/.+@postgres:5432\//);
      expect(services[name].environment.MENDER_QUEUE_URL).toBe('redis://redis:6379');
      expect(services[name].volumes).toContain('mender-data:/data');
      expect(services[name].cap_drop).toEqual(['ALL']);
      expect(services[name].privileged ?? false).toBe(false);
    }
    for (const service of Object.values(services)) expect(service.healthcheck.test.length).toBeGreaterThan(1);
    expect(services.worker.depends_on.web.condition).toBe('service_healthy');
    expect(services['serial-worker'].depends_on.web.condition).toBe('service_healthy');
    expect(services.web.depends_on.postgres.condition).toBe('service_healthy');
    expect(services.web.depends_on.redis.condition).toBe('service_healthy');
    // A queue's Redis keeps its jobs: written to disk, never evicted.
    expect(services.redis.command).toEqual(['redis-server', '--appendonly', 'yes', '--maxmemory-policy', 'noeviction']);
    expect(services.redis.volumes).toEqual(['redis-data:/data']);
    // The sandbox's needs, and only on the workers.
    for (const name of ['worker', 'serial-worker'])
      expect(services[name].security_opt).toEqual(['seccomp=unconfined', 'apparmor=unconfined', 'systempaths=unconfined']);
    expect(services.web.security_opt).toBeUndefined();
  });
});

describe('the Dockerfile', () => {
  const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const stages = instructions.filter((line) => line.startsWith('FROM '));
  const runtime = instructions.slice(instructions.lastIndexOf(stages.at(-1)!));

  it('builds in one stage and runs in another, from node:20-bookworm-slim, as a non-root user', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage).toMatch(/^FROM node:20-bookworm-slim AS \w+$/);
    const users = runtime.filter((line) => line.startsWith('USER '));
    expect(users).toHaveLength(1);
    const user = users[0]!.slice(5).split(':')[0]!;
    expect(['root', '0']).not.toContain(user);
    // Nothing after USER switches back or installs as root.
    expect(runtime.slice(runtime.indexOf(users[0]!)).some((line) => line.startsWith('RUN '))).toBe(false);
  });

  it('has git, bubblewrap and ripgrep, the prebuilt server and dashboard, and starts bin/mender', () => {
    const install = runtime.find((line) => line.includes('apt-get install'));
    for (const name of ['git', 'bubblewrap', 'ripgrep']) expect(install).toMatch(new RegExp(`\\b${name}\\b`));
    const build = instructions.slice(0, instructions.indexOf(stages.at(-1)!)).join('\n');
    expect(build).toMatch(/RUN npm ci\b/);
    expect(build).toContain('npm run build:server');
    expect(build).toContain('npm run build:web');
    for (const copied of ['/app/dist', '/app/web/dist', '/app/node_modules', '/app/bin', '/app/skills'])
      expect(runtime.some((line) => line.startsWith('COPY --from=build') && line.includes(`${copied} `))).toBe(true);
    expect(runtime).toContain('ENTRYPOINT ["/usr/bin/tini", "--", "/app/bin/mender"]');
    // An image is one version: the container platform restarts it; self-updates need a checkout.
    expect(runtime).toContain('CMD ["start", "--no-supervisor"]');
    expect(runtime.some((line) => line.startsWith('HEALTHCHECK'))).toBe(true);
  });

  it('sends only what the build needs: no secrets, data or installed modules in the context', () => {
    const ignored = fs.readFileSync(path.join(root, '.dockerignore'), 'utf8').split('\n');
    for (const entry of ['.git', 'node_modules', '.env', '.mender', 'dist']) expect(ignored).toContain(entry);
  });
});
