// Which release takes the next request. A deterministic counter, not a random draw: of every 100
// consecutive requests exactly `canaryPercent` go to the canary, spread evenly, so a 10 % step
// gives the canary 10 % from the first requests on and tests can assert exact shares.
import type { Upstreams } from './proxy-protocol.ts';

export class TrafficSplit {
  private upstreams: Upstreams | undefined;
  private counter = 0;

  constructor(initial?: Upstreams) {
    this.upstreams = initial;
  }

  /** Replaces the weights at once: the very next `choose` uses them. */
  set(upstreams: Upstreams): void {
    this.upstreams = upstreams;
    this.counter = 0;
  }

  get current(): Upstreams | undefined {
    return this.upstreams;
  }

  /** The release for the next request, or undefined while no release is set. */
  choose(): { release: string; port: number } | undefined {
    const upstreams = this.upstreams;
    if (!upstreams) return undefined;
    const percent = upstreams.canary ? upstreams.canaryPercent : 0;
    if (percent <= 0) return upstreams.stable;
    if (percent >= 100) return upstreams.canary;
    // Request n goes to the canary when ⌊(n+1)·p/100⌋ passes ⌊n·p/100⌋: p of every 100, evenly spaced.
    const position = this.counter;
    this.counter = (this.counter + 1) % 100;
    const toCanary = Math.floor(((position + 1) * percent) / 100) > Math.floor((position * percent) / 100);
    return toCanary ? upstreams.canary : upstreams.stable;
  }
}
