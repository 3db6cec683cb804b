/**
 * The kubelet's back-off schedules (flowcontrol.Backoff with 10 s initial, 5 min cap), for
 * restarting crashed containers and for pulling images that failed.
 */

/** The kubelet's initial back-off. */
export const initialBackoffMs = 10_000;
/** The kubelet's back-off cap (MaxContainerBackOff). */
export const maxBackoffMs = 300_000;

/** The n-th back-off (n ≥ 1): 10 s, 20 s, 40 s … capped at 5 min. */
export function backoffMs(n: number): number {
  return Math.min(initialBackoffMs * 2 ** Math.max(0, n - 1), maxBackoffMs);
}

/**
 * How long after a container exits the kubelet restarts it, given how many times it has been
 * restarted already: the first exit restarts at once (no back-off entry yet), later ones wait
 * the back-off; a container that ran longer than twice the cap counts as stable, and its
 * back-off starts over.
 */
export function crashRestartDelayMs(restartCount: number, ranMs: number): number {
  if (restartCount === 0 || ranMs > 2 * maxBackoffMs) return 0;
  return backoffMs(restartCount);
}
