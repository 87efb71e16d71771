import { describe, expect, it } from 'vitest';
import { TrafficSplit } from './traffic-split.ts';

const upstreams = (canaryPercent: number) => ({ stable: { release: 's', port: 1 }, canary: { release: 'c', port: 2 }, canaryPercent });
const canaryShare = (split: TrafficSplit, requests: number) =>
  Array.from({ length: requests }, () => split.choose()!.release).filter((release) => release === 'c').length;

describe('TrafficSplit', () => {
  it('gives the canary exactly its percent of every 100 requests, spread rather than in a burst', () => {
    for (const percent of [0, 1, 10, 33, 50, 99, 100]) expect(canaryShare(new TrafficSplit(upstreams(percent)), 300)).toBe(percent * 3);
    const split = new TrafficSplit(upstreams(10));
    expect(canaryShare(split, 10)).toBe(1);
  });

  it('uses new weights from the very next choice', () => {
    const split = new TrafficSplit(upstreams(100));
    expect(split.choose()!.release).toBe('c');
    split.set(upstreams(0));
    expect(split.choose()!.release).toBe('s');
  });

  it('has no release to give before one is set', () => {
    expect(new TrafficSplit().choose()).toBeUndefined();
  });
});
