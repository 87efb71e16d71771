// The loop that runs outbox relay passes: one pass after each wake (an add in this process), and
// one every interval for rows committed by other processes or by transactions that were still open.

export interface OutboxRelay {
  /** Runs a pass soon; a wake during a pass runs another after it, so no add is missed. */
  wake(): void;
  /** Ends the loop after the pass in progress. */
  stop(): Promise<void>;
}

export function startOutboxRelay(options: {
  intervalMs: number;
  batchSize: number;
  pass: () => Promise<number>;
  onError: (error: unknown) => void;
}): OutboxRelay {
  let stopped = false;
  let pending = true;
  let wakeSleeper: (() => void) | undefined;
  const wake = () => {
    pending = true;
    wakeSleeper?.();
  };
  const sleep = async () => {
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      wakeSleeper = resolve;
      timer = setTimeout(resolve, options.intervalMs);
    });
    clearTimeout(timer);
    wakeSleeper = undefined;
  };
  const loop = (async () => {
    let failing = false;
    while (!stopped) {
      pending = false;
      try {
        // A full batch means more may be waiting: go again at once.
        if ((await options.pass()) >= options.batchSize) pending = true;
        failing = false;
      } catch (error) {
        // Once per run of failures: a database or Redis that is down would otherwise log every pass.
        if (!failing) options.onError(error);
        failing = true;
      }
      if (!pending && !stopped) await sleep();
    }
  })();
  return {
    wake,
    async stop() {
      stopped = true;
      wakeSleeper?.();
      await loop;
    },
  };
}
