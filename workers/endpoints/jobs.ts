import { z } from "zod";
import { defineTask } from "../queue/task.ts";

/** Keeps one service's Endpoints and EndpointSlices; key `<namespace>/<name>`. */
export const serviceEndpointsTask = defineTask(
  "endpoints",
  z.object({ namespace: z.string(), name: z.string() }),
  (p) => `${p.namespace}/${p.name}`,
);

/** Redoes every selecting service of a namespace after its pods changed; key the namespace. */
export const namespaceEndpointsTask = defineTask(
  "endpoints_namespace",
  z.object({ namespace: z.string() }),
  (p) => p.namespace,
);
