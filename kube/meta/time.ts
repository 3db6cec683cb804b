import type { Time } from "../types/meta-v1.ts";

/**
 * A zero metav1.Time (or MicroTime) as Go marshals it: null, as in a condition's lastProbeTime
 * or an Event's eventTime. The generated types say a time is a string, which every set time is;
 * null is the one value they cannot say, so it is typed here, once.
 */
export const zeroTime: Time = null as never;
