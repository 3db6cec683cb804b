import type { Database } from "../db/connection.ts";
import type { SandboxWriter } from "../db/store/writer.ts";
import { type FieldError, invalid, invalidValue, notFound, required, StatusError } from "../kube/errors.ts";
import { viewAs } from "../kube/kinds/kind.ts";
import { podKind } from "../kube/kinds/pod/index.ts";
import { clone, isPlainObject, type KubeObject, timestamp } from "../kube/object.ts";
import type { Pod } from "../kube/types/core-v1.ts";
import { inSandbox } from "./transaction.ts";

function bindingConflict(name: string, reason: string): StatusError {
  return new StatusError(
    409,
    "Conflict",
    `Operation cannot be fulfilled on pods/binding "${name}": ${reason}`,
    {
      name,
      kind: "pods/binding",
    },
  );
}

/** ValidatePodBinding: a target node name, and a target kind that is Node or empty. */
function validateBinding(body: unknown, name: string): string {
  const target = isPlainObject(body) && isPlainObject(body.target) ? body.target : {};
  const errors: FieldError[] = [];
  if (target.kind !== undefined && target.kind !== "" && target.kind !== "Node")
    errors.push(invalidValue("target.kind", target.kind, "must be empty or 'Node'"));
  if (typeof target.name !== "string" || !target.name) errors.push(required("target.name"));
  if (errors.length) throw invalid("", "Binding", name, errors);
  return target.name as string;
}

/**
 * The binding's store step inside the caller's transaction, shared by POST pods/<name>/binding
 * and the scheduler: sets spec.nodeName and the PodScheduled condition in one write; a pod
 * already bound, or being deleted, is a 409 with the API server's words.
 */
export async function bindInTransaction(
  w: SandboxWriter,
  namespace: string,
  name: string,
  node: string,
  /** The pod as read in this transaction already (the scheduler has it), to spare a read. */
  current?: KubeObject,
): Promise<Pod> {
  const key = { resource: "pods", namespace, name };
  const before = viewAs(podKind, current ?? (await w.get(key)));
  if (!before) throw notFound("", "pods", name);
  const pod = clone(before);
  const spec = pod.spec ?? {};
  if (spec.nodeName)
    throw bindingConflict(name, `pod ${name} is already assigned to node "${spec.nodeName}"`);
  if (pod.metadata.deletionTimestamp)
    throw bindingConflict(name, `pod ${name} is being deleted, cannot be assigned to a host`);
  pod.spec = { ...spec, nodeName: node };
  const status = pod.status ?? {};
  const conditions = (status.conditions ?? []).filter((c) => c.type !== "PodScheduled");
  conditions.unshift({
    type: "PodScheduled",
    status: "True",
    lastProbeTime: null,
    lastTransitionTime: timestamp(),
  });
  pod.status = { ...status, conditions };
  await w.update(key, pod, before);
  return pod;
}

/** POST pods/<name>/binding: assigns a pod to a node, as the scheduler does. */
export async function bindPod(
  database: Database,
  sandboxId: string,
  namespace: string,
  name: string,
  body: unknown,
): Promise<Pod> {
  const node = validateBinding(body, name);
  return inSandbox(database, sandboxId, (w) => bindInTransaction(w, namespace, name, node));
}
