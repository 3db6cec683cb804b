import { type FieldError, forbiddenField, invalidRendered, invalidValue, required } from "../../errors.ts";
import { regexError } from "../../meta/names.ts";
import { isPlainObject } from "../../object.ts";
import { child, type Json, text } from "../../validation/json.ts";
import { isNegativeMessage } from "../../validation/messages.ts";

/** Go's `%#v` of an intstr.IntOrString, as the API server prints a bad maxSurge or maxUnavailable. */
function goIntOrString(v: unknown): string {
  return typeof v === "number"
    ? `intstr.IntOrString{Type:0, IntVal:${v}, StrVal:""}`
    : `intstr.IntOrString{Type:1, IntVal:0, StrVal:${JSON.stringify(String(v ?? ""))}}`;
}

/** A percentage's number ("25%" → 25), or null when it is not a valid percent string. */
function percent(v: unknown): number | null {
  return typeof v === "string" && /^[0-9]+%$/.test(v) ? Number(v.slice(0, -1)) : null;
}

/** getIntOrPercentValue: the number a count or percentage names (0 for garbage). */
function intOrPercentValue(v: unknown): number {
  return percent(v) ?? (typeof v === "number" ? v : 0);
}

/** ValidatePositiveIntOrPercent. */
function validateIntOrPercent(v: unknown, field: string): FieldError[] {
  if (typeof v === "string")
    return percent(v) === null
      ? [
          invalidRendered(
            field,
            goIntOrString(v),
            regexError(
              "a valid percent string must be a numeric string followed by an ending '%'",
              "[0-9]+%",
              "1%",
              "93%",
            ),
          ),
        ]
      : [];
  if (typeof v === "number") return v < 0 ? [invalidValue(field, v, isNegativeMessage)] : [];
  return [];
}

/** SetDefaults_Deployment's strategy part: RollingUpdate with 25% surge and 25% unavailable. */
export function defaultStrategy(spec: Json): void {
  const strategy = child(spec, "strategy");
  if (!text(strategy.type)) strategy.type = "RollingUpdate";
  if (strategy.type !== "RollingUpdate") return;
  const rolling = child(strategy, "rollingUpdate");
  if (rolling.maxUnavailable === undefined || rolling.maxUnavailable === null) rolling.maxUnavailable = "25%";
  if (rolling.maxSurge === undefined || rolling.maxSurge === null) rolling.maxSurge = "25%";
}

/** ValidateDeploymentStrategy with ValidateRollingUpdateDeployment. */
export function validateStrategy(strategy: unknown): FieldError[] {
  const s = isPlainObject(strategy) ? strategy : {};
  const path = "spec.strategy";
  switch (s.type) {
    case "Recreate":
      return isPlainObject(s.rollingUpdate)
        ? [forbiddenField(`${path}.rollingUpdate`, "may not be specified when strategy `type` is 'Recreate'")]
        : [];
    case "RollingUpdate": {
      if (!isPlainObject(s.rollingUpdate))
        return [required(`${path}.rollingUpdate`, "this should be defaulted and never be nil")];
      const { maxUnavailable, maxSurge } = s.rollingUpdate;
      const at = `${path}.rollingUpdate`;
      const errors = [
        ...validateIntOrPercent(maxUnavailable, `${at}.maxUnavailable`),
        ...validateIntOrPercent(maxSurge, `${at}.maxSurge`),
      ];
      if (intOrPercentValue(maxUnavailable) === 0 && intOrPercentValue(maxSurge) === 0)
        errors.push(
          invalidRendered(
            `${at}.maxUnavailable`,
            goIntOrString(maxUnavailable),
            "may not be 0 when `maxSurge` is 0",
          ),
        );
      if ((percent(maxUnavailable) ?? 0) > 100)
        errors.push(
          invalidRendered(
            `${at}.maxUnavailable`,
            goIntOrString(maxUnavailable),
            "must not be greater than 100%",
          ),
        );
      return errors;
    }
    default:
      // The value is the whole strategy struct, printed as Go's %#v.
      return [
        {
          type: "FieldValueNotSupported",
          field: path,
          body: `Unsupported value: apps.DeploymentStrategy{Type:${JSON.stringify(text(s.type))}, RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: "Recreate", "RollingUpdate"`,
        },
      ];
  }
}
