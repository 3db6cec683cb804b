import { z } from "zod";
import { defineTask } from "../queue/task.ts";

/** Keeps a namespace's `default` ServiceAccount and `kube-root-ca.crt` ConfigMap; key the namespace. */
export const serviceAccountTask = defineTask(
  "serviceaccount",
  z.object({ namespace: z.string() }),
  (p) => p.namespace,
);
