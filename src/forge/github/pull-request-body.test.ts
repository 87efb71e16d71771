import { describe, expect, it } from 'vitest';
import { fitBody, githubBodyLimit, menderMarker, pullRequestBody } from './pull-request-body.ts';

describe('pullRequestBody', () => {
  it('keeps plan, evidence and risk whole when they fit, with the operation and the marker', () => {
    const body = pullRequestBody({ operationId: 'op123', body: '# Plan\n\nstep\n\n## Evidence\n\nRed: confirmed', riskMarkdown: '## Risk\n\nLevel: low' });
    expect(body).toContain('# Plan');
    expect(body).toContain('Red: confirmed');
    expect(body).toContain('## Risk');
    expect(body).toContain('`mender status op123`');
    expect(body.endsWith(menderMarker)).toBe(true);
  });

  it("cuts a body over GitHub's limit at a line, with a note, and keeps the footer", () => {
    const line = 'x'.repeat(99);
    const huge = Array.from({ length: 2000 }, () => line).join('\n');
    const body = pullRequestBody({ operationId: 'op123', body: huge, riskMarkdown: '## Risk' });
    expect(body.length).toBeLessThanOrEqual(githubBodyLimit);
    expect(body).toContain('[… cut: the full text');
    expect(body).toContain('`mender status op123`');
    const kept = body.slice(0, body.indexOf('\n\n_[… cut'));
    expect(kept.split('\n').every((part) => part === line)).toBe(true);
  });

  it('closes a code fence the cut left open', () => {
    const text = `intro\n\`\`\`diff\n${'+ added line\n'.repeat(200)}\`\`\`\nafter`;
    const body = fitBody(text, '\nfooter', 1000);
    expect(body.length).toBeLessThanOrEqual(1000);
    expect(body.match(/^```/gm)?.length).toBe(2);
    expect(body.endsWith('\nfooter')).toBe(true);
  });
});
