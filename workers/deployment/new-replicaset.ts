import { StatusError } from "../../kube/errors.ts";
import { viewAs } from "../../kube/kinds/kind.ts";
import { replicaSetKind } from "../../kube/kinds/replicaset/index.ts";
import { controllerOf } from "../../kube/meta/owners.ts";
import { clone, timestamp } from "../../kube/object.ts";
import type { Deployment, DeploymentStatus, ReplicaSet, ReplicaSetSpec } from "../../kube/types/apps-v1.ts";
import { createInTransaction } from "../../registry/create.ts";
import { setNewReplicaSetAnnotations } from "./annotations.ts";
import { getCondition, newCondition, setCondition, statusOf } from "./conditions.ts";
import { computeHash } from "./hash.ts";
import { ownerRefTo } from "./replicasets.ts";
import { newRSNewReplicas } from "./rolling-plan.ts";
import { progressDeadline } from "./status.ts";
import {
  deploymentEvent,
  manager,
  replicaSets,
  type Sync,
  saveReplicaSet,
  saveRevision,
  saveStatus,
  views,
} from "./sync.ts";
import { equalIgnoreHash, selectorWithHash, templateOf, templateWithHash } from "./template.ts";
import { revisionAnnotation, revisionOf, viewOf } from "./view.ts";

/** The new ReplicaSet (the one whose template is the deployment's; null if none yet) and all the others. */
export interface Generations {
  newRS: ReplicaSet | null;
  old: ReplicaSet[];
}

/** Raised when the new ReplicaSet cannot be created: recorded on the deployment, then retried. */
export class CreateFailed extends Error {}

/** minReadySeconds of a spec, 0 when absent. */
function minReadySeconds(obj: Deployment | ReplicaSet): number {
  return obj.spec?.minReadySeconds ?? 0;
}

/**
 * getAllReplicaSetsAndSyncRevision: finds the ReplicaSet whose template is the deployment's (the
 * oldest such), gives it the next revision (max of the others + 1) if it has a lower one — which
 * is how a rollback reuses an old ReplicaSet — and copies that revision to the deployment. With
 * `create`, makes the new ReplicaSet when there is none.
 */
export async function replicaSetsAndRevision(s: Sync, create: boolean): Promise<Generations> {
  const all = replicaSets(s);
  const found = all.find((rs) => equalIgnoreHash(templateOf(rs), templateOf(s.d))) ?? null;
  const old = all.filter((rs) => rs !== found);
  const maxOld = Math.max(0, ...old.map((rs) => revisionOf(rs) ?? 0));
  const newRevision = maxOld + 1;
  if (found) return { newRS: await syncExisting(s, found, newRevision), old };
  if (!create) return { newRS: null, old };
  return { newRS: await createNew(s, old, newRevision), old };
}

/** The existing new ReplicaSet: annotations and minReadySeconds brought up to date, revision copied up. */
async function syncExisting(s: Sync, found: ReplicaSet, newRevision: number): Promise<ReplicaSet> {
  const annotations = { ...(found.metadata.annotations ?? {}) };
  const changed = setNewReplicaSetAnnotations(
    s.d.metadata.annotations ?? {},
    annotations,
    newRevision,
    true,
    {
      desired: 0,
      max: 0,
    },
  );
  let rs = found;
  if (changed || minReadySeconds(found) !== minReadySeconds(s.d)) {
    const next = clone(found);
    next.metadata.annotations = annotations;
    next.spec = { ...next.spec, minReadySeconds: minReadySeconds(s.d) };
    rs = await saveReplicaSet(s, found, next);
  }
  await saveRevision(s, rs.metadata.annotations?.[revisionAnnotation] ?? String(newRevision));
  if (progressDeadline(s.d) !== null && !getCondition(statusOf(s.d), "Progressing")) {
    const status = clone(statusOf(s.d));
    const message = `Found new replica set "${rs.metadata.name}"`;
    setCondition(
      status,
      newCondition("Progressing", "True", "FoundNewReplicaSet", message, timestamp(s.now)),
    );
    await saveStatus(s, status);
  }
  return rs;
}

/**
 * Creates the new ReplicaSet, named `<deployment>-<pod-template-hash>`, sized by the strategy
 * (NewRSNewReplicas). A name taken by a ReplicaSet that is not this deployment's new one is a
 * hash collision: collisionCount goes up and the hash is computed again.
 */
async function createNew(s: Sync, old: ReplicaSet[], newRevision: number): Promise<ReplicaSet> {
  for (;;) {
    const collisionCount = statusOf(s.d).collisionCount;
    const hash = computeHash(templateOf(s.d), collisionCount);
    const template = templateWithHash(s.d, hash);
    const name = `${s.d.metadata.name}-${hash}`;
    const namespace = s.d.metadata.namespace ?? "";
    const existing = viewAs(replicaSetKind, await s.w.get({ resource: "replicasets.apps", namespace, name }));
    if (existing) {
      if (
        controllerOf(existing)?.uid === s.d.metadata.uid &&
        equalIgnoreHash(templateOf(existing), templateOf(s.d))
      ) {
        s.sets.set(name, existing);
        await saveRevision(s, String(newRevision));
        return existing;
      }
      const status: DeploymentStatus = {
        ...clone(statusOf(s.d)),
        collisionCount: (collisionCount ?? 0) + 1,
      };
      await saveStatus(s, status);
      continue;
    }
    const annotations: Record<string, string> = {};
    const spec: ReplicaSetSpec = {
      replicas: 0,
      minReadySeconds: minReadySeconds(s.d),
      selector: selectorWithHash(s.d, hash),
      template,
    };
    const body: ReplicaSet = {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: {
        name,
        namespace,
        labels: template.metadata?.labels,
        annotations,
        ownerReferences: [ownerRefTo(s.d)],
      },
      spec,
    };
    const replicas = newRSNewReplicas(s.p, [...views(s, old), viewOf(body)], viewOf(body));
    spec.replicas = replicas;
    setNewReplicaSetAnnotations(s.d.metadata.annotations ?? {}, annotations, newRevision, false, {
      desired: s.p.replicas,
      max: s.p.replicas + s.p.maxSurge,
    });
    const created = await createOrReport(s, body);
    s.sets.set(name, created);
    if (replicas > 0)
      await deploymentEvent(
        s,
        "Normal",
        "ScalingReplicaSet",
        `Scaled up replica set ${name} from 0 to ${replicas}`,
      );
    await saveRevision(s, String(newRevision));
    if (progressDeadline(s.d) !== null) {
      const status = clone(statusOf(s.d));
      const message = `Created new replica set "${name}"`;
      setCondition(
        status,
        newCondition("Progressing", "True", "NewReplicaSetCreated", message, timestamp(s.now)),
      );
      await saveStatus(s, status);
    }
    return created;
  }
}

/**
 * The create through the full create path; a refusal (quota, validation) is recorded as the
 * Progressing condition ReplicaSetCreateError and a warning event, then raised so the job retries.
 */
async function createOrReport(s: Sync, body: ReplicaSet): Promise<ReplicaSet> {
  try {
    const created = await createInTransaction(
      s.w,
      replicaSetKind,
      body.metadata.namespace ?? null,
      body,
      manager,
    );
    return viewAs(replicaSetKind, created);
  } catch (err) {
    if (!(err instanceof StatusError)) throw err;
    const message = `Failed to create new replica set "${body.metadata.name}": ${err.message}`;
    if (progressDeadline(s.d) !== null) {
      const status = clone(statusOf(s.d));
      setCondition(
        status,
        newCondition("Progressing", "False", "ReplicaSetCreateError", message, timestamp(s.now)),
      );
      await saveStatus(s, status);
    }
    await deploymentEvent(s, "Warning", "ReplicaSetCreateError", message);
    throw new CreateFailed(message);
  }
}
