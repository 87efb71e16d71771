import { describe, expect, it } from 'vitest';
import type { DetectedEvent } from './detected-event.ts';
import { parseSentryEvent } from './detected-event.ts';
import { describeEvent, groupEvent } from './grouping.ts';
import { normaliseText } from './normalise-text.ts';

function event(fields: Partial<DetectedEvent>): DetectedEvent {
  return { eventId: 'e', source: 'sentry', level: 'error', message: '', exception: [], ...fields };
}

const frames = (line: number) => [
  { filename: '/srv/node_modules/express/router.js', function: 'handle', lineno: 90, inApp: false },
  { filename: '/srv/app/src/cart.ts', function: 'total', lineno: line, colno: 3, inApp: true },
];

describe('grouping', () => {
  it('uses in-app frames by module or base name and function, never line numbers or the message', () => {
    const a = groupEvent(event({ exception: [{ type: 'TypeError', value: 'x is undefined', frames: frames(10) }] }));
    const b = groupEvent(event({ exception: [{ type: 'TypeError', value: 'y is null', frames: frames(99) }] }));
    expect(a.hash).toBe(b.hash);
    expect(a).toMatchObject({ basis: 'stacktrace', parts: ['type:TypeError', 'frame:cart.ts:total'] });
    const other = groupEvent(event({ exception: [{ type: 'RangeError', value: 'x is undefined', frames: frames(10) }] }));
    expect(other.hash).not.toBe(a.hash);
  });

  it('falls back to the exception type and normalised value when no frame is in-app', () => {
    const grouping = groupEvent(
      event({ exception: [{ type: 'Error', value: 'user 42 not found (id 9f3c2a10-1b2c-4d5e-8f90-123456789abc)', frames: [frames(1)[0]!] }] }),
    );
    expect(grouping).toMatchObject({ basis: 'exception', parts: ['type:Error', 'value:user <int> not found (id <uuid>)'] });
    expect(grouping.explanation).toMatch(/no stack frame is in-app/);
  });

  it('falls back to the normalised message without an exception', () => {
    const a = groupEvent(event({ message: "timeout after 3000 ms talking to 10.0.0.7:5432 for 'orders'" }));
    const b = groupEvent(event({ message: "timeout after 5000 ms talking to 10.0.0.9:5432 for 'users'" }));
    expect(a.hash).toBe(b.hash);
    expect(a.parts).toEqual(['message:timeout after <int> ms talking to <ip> for <quoted>']);
  });

  it('uses the fingerprint, expanding {{ default }} to the default parts', () => {
    const base = { exception: [{ type: 'TypeError', value: 'v', frames: frames(1) }] };
    const custom = groupEvent(event({ ...base, fingerprint: ['payments', 'stripe'] }));
    expect(custom).toMatchObject({ basis: 'fingerprint', parts: ['fingerprint:payments', 'fingerprint:stripe'] });
    const expanded = groupEvent(event({ ...base, fingerprint: ['{{ default }}', 'tenant-a'] }));
    expect(expanded.parts).toEqual(['type:TypeError', 'frame:cart.ts:total', 'fingerprint:tenant-a']);
    expect(expanded.explanation).toMatch(/\{\{ default \}\} expanded/);
    expect(groupEvent(event({ ...base, fingerprint: ['{{default}}'] })).parts).toEqual(groupEvent(event(base)).parts);
  });

  it('titles an issue by its last exception and blames the innermost in-app frame', () => {
    expect(describeEvent(event({ exception: [{ type: 'TypeError', value: 'boom\nmore', frames: frames(1) }] }))).toEqual({
      title: 'TypeError: boom',
      culprit: 'total (cart.ts)',
    });
  });

  it('normalises hex, dates, emails and urls', () => {
    expect(normaliseText('at 0x7ffe12 on 2026-11-21T02:00:00Z for a@b.io via https://x.io/a?b=1 hash deadbeef42')).toBe(
      'at <hex> on <date> for <email> via <url> hash <hex>',
    );
  });

  it('parses a Sentry event payload and refuses one of the wrong shape', () => {
    const parsed = parseSentryEvent({
      event_id: 'abc',
      level: 'warning',
      logentry: { formatted: 'hello' },
      user: { id: 7 },
      request: { url: 'https://shop/checkout/pay?x=1' },
    });
    expect(parsed).toMatchObject({ ok: true, event: { eventId: 'abc', level: 'warning', message: 'hello', user: { id: '7' }, route: '/checkout/pay' } });
    expect(parseSentryEvent({ exception: { values: 'nope' } })).toMatchObject({ ok: false });
  });
});
