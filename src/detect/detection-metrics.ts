import { Gauge, type Registry } from 'prom-client';
import type { Database } from '../store/database.ts';
import { countQuarantined } from './quarantine.ts';

/** Detection's figures on /metrics: inbox entries in quarantine (read from the database at each scrape). */
export function registerDetectionMetrics(registry: Registry, db: Database): void {
  new Gauge({
    name: 'mender_detect_quarantined_entries',
    help: 'Inbox entries the digest could not group (the database refused them), kept in quarantine: GET /api/detection/quarantine.',
    registers: [registry],
    async collect() {
      this.set(await countQuarantined(db));
    },
  });
}
