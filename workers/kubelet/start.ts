import { defaultPullPolicy } from "../../kube/kinds/pod/spec/image.ts";
import { timestamp } from "../../kube/object.ts";
import { normalizeImage } from "../../kube/runtime/image-ref.ts";
import { pullImage } from "../../kube/runtime/images.ts";
import type { ContainerStatus } from "../../kube/types/core-v1.ts";
import { containerStatus, lastTermination, waiting } from "./container-status.ts";
import type { ContainerRef, Work } from "./context.ts";
import { messages } from "./messages.ts";

/**
 * Starting one container, as kuberuntime's startContainer does: ensure the image (pull per the
 * pull policy, or find it on the node), create, start. A failed pull leaves it waiting with
 * the runtime's error; a restart carries the last termination and counts up.
 */

/** The status of a container in the sync's work, if it has one. */
export function statusOf(work: Work, ref: ContainerRef): ContainerStatus | undefined {
  return work.status[ref.list]?.find((s) => s.name === ref.spec.name);
}

/** Replaces a container's status in the sync's work. */
export function setStatus(work: Work, ref: ContainerRef, status: ContainerStatus): void {
  const list = (work.status[ref.list] ?? []).map((s) => (s.name === ref.spec.name ? status : s));
  if (!list.some((s) => s.name === ref.spec.name)) list.push(status);
  work.status[ref.list] = list;
}

/** Changes some fields of a container's status in the sync's work (one it has). */
export function updateStatus(work: Work, ref: ContainerRef, change: Partial<ContainerStatus>): void {
  const status = statusOf(work, ref);
  if (status) setStatus(work, ref, { ...status, ...change });
}

/** Records a kubelet event about the container. */
export function emit(
  work: Work,
  ref: ContainerRef,
  type: "Normal" | "Warning",
  reason: string,
  message: string,
) {
  work.events.push({ type, reason, message, fieldPath: ref.fieldPath });
}

/** A plausible pull time for an image of this size: registries here deliver about 60 MB/s. */
function pullMs(size: number): number {
  return 200 + Math.round(size / 60_000);
}

function failPull(
  work: Work,
  ref: ContainerRef,
  at: number,
  reason: string,
  message: string,
  event?: [string, string],
): false {
  const prev = statusOf(work, ref);
  if (event) emit(work, ref, "Warning", event[0], event[1]);
  emit(work, ref, "Warning", "Failed", messages.error(reason));
  setStatus(work, ref, waiting(ref.spec, { ...prev, image: ref.spec.image ?? "" }, reason, message));
  if (reason === "ErrImagePull") {
    const image = ref.spec.image ?? "";
    const seen = work.ctx.pullFailures.get(image);
    work.ctx.pullFailures.set(image, { count: (seen?.count ?? 0) + 1, lastMs: at });
  }
  return false;
}

/** Starts (or restarts) the container at `at`; false when the image kept it from starting. */
export function startContainer(work: Work, ref: ContainerRef, at: number, restart: boolean): boolean {
  const image = ref.spec.image ?? "";
  const prev = statusOf(work, ref);
  const pull = pullImage(image);
  if (!pull.ok && pull.reason === "InvalidImageName")
    return failPull(work, ref, at, "InvalidImageName", pull.message, ["InspectFailed", pull.message]);
  const normalized = pull.ok ? pull.image : normalizeImage(image);
  const policy = ref.spec.imagePullPolicy || defaultPullPolicy(image);
  const present = work.ctx.present.has(normalized) && pull.ok;
  if (policy === "Never" && !present)
    return failPull(work, ref, at, "ErrImageNeverPull", messages.neverPull(image), [
      "ErrImageNeverPull",
      messages.neverPull(image),
    ]);
  if (policy !== "Always" && present) emit(work, ref, "Normal", "Pulled", messages.present(image));
  else {
    emit(work, ref, "Normal", "Pulling", messages.pulling(image));
    if (!pull.ok)
      return failPull(work, ref, at, "ErrImagePull", pull.message, [
        "Failed",
        messages.pullFailed(image, pull.message),
      ]);
    emit(work, ref, "Normal", "Pulled", messages.pulled(image, pullMs(pull.info.size), pull.info.size));
  }
  if (!pull.ok) return false;
  work.ctx.present.add(normalized);
  // The image is there; the container's config (its env) is made next, and may not be.
  const configError = work.ctx.configErrors?.get(ref.spec.name);
  if (configError) {
    work.configTried = (work.configTried ?? new Set()).add(ref.spec.name);
    emit(work, ref, "Warning", "Failed", messages.error(configError));
    setStatus(work, ref, waiting(ref.spec, { ...prev, image }, messages.configError, configError));
    return false;
  }
  emit(work, ref, "Normal", "Created", messages.created(ref.spec.name));
  emit(work, ref, "Normal", "Started", messages.started(ref.spec.name));
  const last = restart ? lastTermination(prev) : null;
  const probe = (name: "readinessProbe" | "startupProbe") => Object.keys(ref.spec[name] ?? {}).length > 0;
  setStatus(
    work,
    ref,
    containerStatus(ref.spec, { running: { startedAt: timestamp(new Date(at)) } }, prev, {
      lastState: last ? { terminated: last } : (prev?.lastState ?? {}),
      restartCount: (prev?.restartCount ?? 0) + (restart ? 1 : 0),
      image: pull.image,
      imageID: pull.imageID,
      containerID: work.ctx.newContainerID(),
      ready: ref.kind !== "init" && !probe("readinessProbe"),
      started: !probe("startupProbe"),
    }),
  );
  return true;
}
