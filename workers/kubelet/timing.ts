/**
 * How long the simulated kubelet takes for what a real one spends real time on. Short on
 * purpose: every state still gets its own committed write (so watches show it), but a
 * sandbox should feel fast.
 */

/** From a pod's first kubelet status (ContainerCreating) to its containers pulled and started. */
export const containerCreatingMs = 30;

/**
 * The kubelet's next sync after a container exits or a pull fails (PLEG relist): the Error or
 * ErrImagePull state stays this long before the restart or the back-off shows.
 */
export const syncDelayMs = 1000;

/** How long containers take to stop after a pod is deleted (a shorter grace period wins). */
export const stopMs = 1000;

/** At most this many transitions are applied in one run; the rest follow in the next job. */
export const maxStepsPerRun = 200;

/**
 * How often a pod whose volumes cannot be set up (a missing Secret or ConfigMap) tries again;
 * writing a Secret or ConfigMap in its namespace wakes it at once.
 */
export const mountRetryMs = 10_000;

/** The same for a container whose config cannot be made (CreateContainerConfigError). */
export const configRetryMs = 10_000;
