/**
 * A step that never runs twice at once, for streams woken by the change feed: a call while it
 * runs asks for one more run after it (so what changed meanwhile is read), however many calls
 * came. The step answers false to stop (its stream ended): no run after it then.
 */
export function coalesced(step: () => Promise<boolean>): () => Promise<void> {
  let busy = false;
  let again = false;
  return async () => {
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
}
