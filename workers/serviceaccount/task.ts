import type { Database } from "../../db/connection.ts";
import type { SandboxWriter } from "../../db/store/writer.ts";
import {
  descriptionAnnotation,
  rootCaConfigMap,
  rootCaConfigMapBody,
  rootCaDescription,
} from "../../kube/bootstrap/root-ca.ts";
import { semanticEqual } from "../../kube/go/semantic-equal.ts";
import { configMapKind } from "../../kube/kinds/configmap/index.ts";
import { viewAs } from "../../kube/kinds/kind.ts";
import { namespaceKind } from "../../kube/kinds/namespace/index.ts";
import { serviceAccountKind } from "../../kube/kinds/serviceaccount/index.ts";
import { clone } from "../../kube/object.ts";
import type { ServiceAccount } from "../../kube/types/core-v1.ts";
import { createInTransaction } from "../../registry/create.ts";
import { inSandbox } from "../../registry/transaction.ts";
import { replaceObject } from "../../registry/update.ts";
import { doneIfSandboxGone } from "../queue/sandbox-gone.ts";
import type { JobOf } from "../queue/task.ts";
import type { serviceAccountTask } from "./jobs.ts";

/** The job's payload: the namespace to look at. */
export type ServiceAccountJob = JobOf<typeof serviceAccountTask>;

/** Who these controllers write as, in managedFields. */
const fieldManager = "kube-controller-manager";

/** The service account controller: the namespace's `default` ServiceAccount exists. */
async function ensureDefaultServiceAccount(w: SandboxWriter, namespace: string): Promise<void> {
  if (await w.get({ resource: "serviceaccounts", namespace, name: "default" })) return;
  const body: ServiceAccount = { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default" } };
  await createInTransaction(w, serviceAccountKind, namespace, body, { fieldManager });
}

/** The root CA publisher: `kube-root-ca.crt` holds the cluster's CA and its description. */
async function ensureRootCa(w: SandboxWriter, namespace: string, caPem: string): Promise<void> {
  const body = rootCaConfigMapBody(caPem);
  const key = { resource: "configmaps", namespace, name: rootCaConfigMap };
  const current = viewAs(configMapKind, await w.get(key));
  if (!current) {
    await createInTransaction(w, configMapKind, namespace, body, { fieldManager });
    return;
  }
  if (semanticEqual(current.data, body.data) && current.metadata.annotations?.[descriptionAnnotation]) return;
  const next = clone(current);
  next.data = body.data;
  next.metadata.annotations = { ...next.metadata.annotations, [descriptionAnnotation]: rootCaDescription };
  await replaceObject(w, configMapKind, current, next, "", { fieldManager });
}

/**
 * The service account controller and the root CA publisher, for one namespace: what every
 * namespace of a real cluster has, made again when deleted; the ConfigMap publishes `clusterCaPem`. A namespace that is gone or
 * terminating gets nothing.
 */
export async function reconcileServiceAccounts(
  database: Database,
  job: ServiceAccountJob,
  clusterCaPem: string,
): Promise<void> {
  await doneIfSandboxGone(
    inSandbox(database, job.sandbox, async (w) => {
      const key = { resource: "namespaces", namespace: "", name: job.namespace };
      const ns = viewAs(namespaceKind, await w.get(key));
      if (!ns || ns.metadata.deletionTimestamp || ns.status?.phase === "Terminating") return;
      await ensureDefaultServiceAccount(w, job.namespace);
      await ensureRootCa(w, job.namespace, clusterCaPem);
    }),
  );
}
