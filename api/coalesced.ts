/** A coalesced step (see coalesced): call it to run it; `running` says whether a run is under way. */
export interface Coalesced {
  (): Promise<void>;
  readonly running: boolean;
}

/**
 * A step that never runs twice at once, for streams woken by the change feed: a call while it
 * runs asks for one more run after it (so what changed meanwhile is read), however many calls
 * came. The step answers false to stop (its stream ended, or paused for a slow reader): no run
 * after it then, until it is called again.
 */
export function coalesced(step: () => Promise<boolean>): Coalesced {
  let busy = false;
  let again = false;
  const run = async () => {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      let more: boolean;
      do {
        again = false;
        more = await step();
      } while (again && more);
    } finally {
      busy = false;
    }
  };
  return Object.defineProperty(run, "running", { get: () => busy }) as Coalesced;
}
