import { describe, expect, it } from 'vitest';
import { decideExternalTool, externalToolName } from './external-tools.ts';
import { argumentsKey, canonicalJson } from './tool-call-approvals.ts';

const tool = (name: string, readOnlyHint?: boolean) => ({
  name,
  inputSchema: { type: 'object' as const },
  ...(readOnlyHint === undefined ? {} : { annotations: { readOnlyHint } }),
});

describe('external tool policy', () => {
  const policy = { allow: ['github__get_*', 'jira__search'], deny: ['github__delete_*', 'github__get_secret'] };

  it('denies first, then allows read-only or allowlisted tools, and asks for the rest', () => {
    expect(decideExternalTool('github', tool('get_secret', true), policy)).toBe('deny');
    expect(decideExternalTool('github', tool('delete_repo'), policy)).toBe('deny');
    expect(decideExternalTool('github', tool('get_issue'), policy)).toBe('allow');
    expect(decideExternalTool('sentry', tool('list_events', true), policy)).toBe('allow');
    expect(decideExternalTool('sentry', tool('resolve_issue', false), policy)).toBe('ask');
    expect(decideExternalTool('jira', tool('create_issue'), policy)).toBe('ask');
  });

  it('names tools <server>__<tool> in the charset models accept', () => {
    expect(externalToolName('github', 'get_issue')).toBe('github__get_issue');
    expect(externalToolName('db', 'run.query/v2')).toBe('db__run_query_v2');
    expect(externalToolName('s', 'x'.repeat(100))).toHaveLength(64);
  });

  it('keys approvals by tool and canonical arguments', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"e":3,"f":2}]},"b":1}');
    expect(argumentsKey('orders__note', { a: 1, b: 2 })).toBe(argumentsKey('orders__note', { b: 2, a: 1 }));
    expect(argumentsKey('orders__note', { a: 1 })).not.toBe(argumentsKey('orders__other', { a: 1 }));
    expect(argumentsKey('orders__note', { a: 1 })).not.toBe(argumentsKey('orders__note', { a: 2 }));
  });
});
