import { type FieldError, forbiddenField, invalidValue, notSupported, required } from "../../../errors.ts";
import { isPlainObject } from "../../../object.ts";
import { type Json, list, records, text } from "../../../validation/json.ts";
import { isNegativeMessage } from "../../../validation/messages.ts";
import { validatePortNumOrName } from "../../../validation/ports.ts";

function validateHttpGet(h: Json, path: string): FieldError[] {
  const errors: FieldError[] = [];
  if (!text(h.path)) errors.push(required(`${path}.path`));
  errors.push(...validatePortNumOrName(h.port, `${path}.port`));
  if (!["HTTP", "HTTPS"].includes(text(h.scheme)))
    errors.push(notSupported(`${path}.scheme`, text(h.scheme), ["HTTP", "HTTPS"]));
  for (const header of records(h.httpHeaders))
    if (!/^[-A-Za-z0-9]+$/.test(text(header.name)))
      errors.push(
        invalidValue(
          `${path}.httpHeaders`,
          text(header.name),
          "a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')",
        ),
      );
  return errors;
}

/** validateHandler: exactly one of exec, httpGet, tcpSocket, grpc (probes) or sleep (lifecycle hooks). */
function validateHandler(handler: Json, kinds: string[], grace: number, path: string): FieldError[] {
  const errors: FieldError[] = [];
  let count = 0;
  for (const kind of kinds) {
    const h = handler[kind];
    if (!isPlainObject(h)) continue;
    if (count++ > 0) {
      errors.push(forbiddenField(`${path}.${kind}`, "may not specify more than 1 handler type"));
      continue;
    }
    const at = `${path}.${kind}`;
    if (kind === "exec" && !list(h.command).length) errors.push(required(`${at}.command`));
    if (kind === "httpGet") errors.push(...validateHttpGet(h, at));
    if (kind === "tcpSocket") errors.push(...validatePortNumOrName(h.port, `${at}.port`));
    if (kind === "grpc")
      errors.push(...validatePortNumOrName(typeof h.port === "number" ? h.port : 0, `${at}.port`));
    if (kind === "sleep") {
      const seconds = typeof h.seconds === "number" ? h.seconds : 0;
      if (seconds <= 0 || seconds > grace)
        errors.push(
          invalidValue(
            at,
            seconds,
            `must be greater than 0 and less than terminationGracePeriodSeconds (${grace}). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep.`,
          ),
        );
    }
  }
  if (count === 0) errors.push(required(path, "must specify a handler type"));
  return errors;
}

/** Which probe: liveness and startup probes need successThreshold 1, readiness probes no grace period. */
export type ProbeKind = "livenessProbe" | "readinessProbe" | "startupProbe";

/** validateProbe and its liveness/readiness/startup specifics; nothing when the probe is absent. */
export function validateProbe(probe: unknown, kind: ProbeKind, grace: number, path: string): FieldError[] {
  if (!isPlainObject(probe)) return [];
  const errors = validateHandler(probe, ["exec", "httpGet", "tcpSocket", "grpc"], grace, path);
  for (const field of [
    "initialDelaySeconds",
    "timeoutSeconds",
    "periodSeconds",
    "successThreshold",
    "failureThreshold",
  ]) {
    const v = probe[field];
    if (typeof v === "number" && v < 0) errors.push(invalidValue(`${path}.${field}`, v, isNegativeMessage));
  }
  const tgps = probe.terminationGracePeriodSeconds;
  if (typeof tgps === "number" && tgps <= 0)
    errors.push(invalidValue(`${path}.terminationGracePeriodSeconds`, tgps, "must be greater than 0"));
  if (kind === "readinessProbe" && typeof tgps === "number")
    errors.push(
      invalidValue(`${path}.terminationGracePeriodSeconds`, tgps, "must not be set for readinessProbes"),
    );
  if (kind !== "readinessProbe" && probe.successThreshold !== 1)
    errors.push(invalidValue(`${path}.successThreshold`, probe.successThreshold ?? 0, "must be 1"));
  return errors;
}

/** validateLifecycle: postStart and preStop handlers. */
export function validateLifecycle(lifecycle: unknown, grace: number, path: string): FieldError[] {
  if (!isPlainObject(lifecycle)) return [];
  return ["postStart", "preStop"].flatMap((hook) =>
    isPlainObject(lifecycle[hook])
      ? validateHandler(lifecycle[hook], ["exec", "httpGet", "tcpSocket", "sleep"], grace, `${path}.${hook}`)
      : [],
  );
}
