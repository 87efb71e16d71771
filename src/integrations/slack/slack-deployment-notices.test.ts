import { describe, expect, it } from 'vitest';
import { deploymentNotice } from './slack-deployment-notices.ts';

const event = (type: string, data: Record<string, unknown>) => ({
  sequence: 1,
  operationId: null,
  type,
  actor: 'mender',
  at: '2026-12-03T10:00:00.000Z',
  data: { deploymentId: 'd1', environment: 'production', commit: 'abcdef1234567890', ...data },
});

describe('deployment notices', () => {
  it('asks a person about an inconclusive watch: promote, extend or roll back, with the samples', () => {
    const samples = { newRequests: 12, stableRequests: 110, newErrors: 0, stableErrors: 1 };
    expect(deploymentNotice(event('deployment.inconclusive', { rule: 'too_little_data', reason: 'only 12 requests of 200', samples }), 'https://m.test/')).toBe(
      '❔ Inconclusive `abcdef123456` in production (deployment `d1`): only 12 requests of 200 (rule too_little_data; new release 12 requests, 0 errors; stable 110 requests, 1 errors). A person decides: promote (`mender deployment promote d1`), extend the watch (`mender deployment resume d1`) or roll back (`mender deployment rollback d1`) · <https://m.test/deployments/d1|charts>',
    );
  });

  it('names the rule and the figures of a rollback the judge decided, and stays quiet about chatter', () => {
    const samples = { newRequests: 400, stableRequests: 3600, newErrors: 120, stableErrors: 4 };
    expect(deploymentNotice(event('deployment.rolled_back', { rule: 'error_rate', reason: '5xx 30 % vs 0.1 %', samples }), undefined)).toBe(
      '↩️ Rolled back `abcdef123456` in production (deployment `d1`): 5xx 30 % vs 0.1 % — rule error_rate; new release 400 requests, 120 errors; stable 3600 requests, 4 errors. All traffic is on the stable release',
    );
    expect(deploymentNotice(event('deployment.traffic_shifted', { from: 10, to: 50 }), undefined)).toBeUndefined();
    expect(deploymentNotice(event('deployment.judged', { decision: 'continue' }), undefined)).toBeUndefined();
  });
});
