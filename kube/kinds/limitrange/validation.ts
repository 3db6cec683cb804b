import { duplicate, type FieldError, forbiddenField, invalidRendered, required } from "../../errors.ts";
import { isPlainObject, type KubeObject } from "../../object.ts";
import {
  compareQuantities,
  formatQuantity,
  goQuantity,
  newQuantity,
  type Quantity,
  quantityMilliValue,
} from "../../quantity/quantity.ts";
import { type ResourceList, readResourceList } from "../../quantity/resource-list.ts";
import {
  isOvercommitAllowed,
  validateLimitRangeResourceName,
  validateLimitRangeType,
} from "../../quantity/resource-names.ts";

/** The ResourceLists of a LimitRangeItem, in the order ValidateLimitRange reads them. */
export const limitRangeLists = ["max", "min", "default", "defaultRequest", "maxLimitRequestRatio"] as const;

type ListName = (typeof limitRangeLists)[number];

/** A LimitRange's spec.limits, each item's lists read as quantities. */
export interface LimitItem {
  type: string;
  lists: Record<ListName, ResourceList>;
}

/** Reads spec.limits of a (decoded) LimitRange. */
export function limitItems(obj: KubeObject): LimitItem[] {
  const spec = isPlainObject(obj.spec) ? obj.spec : {};
  const limits = Array.isArray(spec.limits) ? spec.limits : [];
  return limits.map((raw) => {
    const item = isPlainObject(raw) ? raw : {};
    const lists = Object.fromEntries(limitRangeLists.map((l) => [l, readResourceList(item[l])]));
    return { type: typeof item.type === "string" ? item.type : "", lists: lists as LimitItem["lists"] };
  });
}

/** field.Invalid with a Quantity value: Go prints the struct (`%#v`), its String() already taken. */
function invalidQuantity(field: string, q: Quantity, detail: string): FieldError {
  return invalidRendered(field, goQuantity(q, true), detail);
}

/** The min ≤ defaultRequest ≤ default ≤ max and ratio checks for one resource of one item. */
function compareBounds(item: LimitItem, key: string, path: string): FieldError[] {
  const errors: FieldError[] = [];
  const s = formatQuantity;
  const min = item.lists.min.get(key);
  const max = item.lists.max.get(key);
  // A Pod item's defaults are refused above and take no part in the comparisons.
  const def = item.type === "Pod" ? undefined : item.lists.default.get(key);
  const defReq = item.type === "Pod" ? undefined : item.lists.defaultRequest.get(key);
  const ratio = item.lists.maxLimitRequestRatio.get(key);
  if (min && max && compareQuantities(min, max) > 0)
    errors.push(
      invalidQuantity(`${path}.min[${key}]`, min, `min value ${s(min)} is greater than max value ${s(max)}`),
    );
  if (defReq && min && compareQuantities(min, defReq) > 0)
    errors.push(
      invalidQuantity(
        `${path}.defaultRequest[${key}]`,
        defReq,
        `min value ${s(min)} is greater than default request value ${s(defReq)}`,
      ),
    );
  if (defReq && max && compareQuantities(defReq, max) > 0)
    errors.push(
      invalidQuantity(
        `${path}.defaultRequest[${key}]`,
        defReq,
        `default request value ${s(defReq)} is greater than max value ${s(max)}`,
      ),
    );
  if (defReq && def && compareQuantities(defReq, def) > 0)
    errors.push(
      invalidQuantity(
        `${path}.defaultRequest[${key}]`,
        defReq,
        `default request value ${s(defReq)} is greater than default limit value ${s(def)}`,
      ),
    );
  // The API server reports these two with the bound's value, not the default's.
  if (def && min && compareQuantities(min, def) > 0)
    errors.push(
      invalidQuantity(
        `${path}.default[${key}]`,
        min,
        `min value ${s(min)} is greater than default value ${s(def)}`,
      ),
    );
  if (def && max && compareQuantities(def, max) > 0)
    errors.push(
      invalidQuantity(
        `${path}.default[${key}]`,
        max,
        `default value ${s(def)} is greater than max value ${s(max)}`,
      ),
    );
  if (ratio && compareQuantities(ratio, newQuantity(1)) < 0)
    errors.push(
      invalidQuantity(`${path}.maxLimitRequestRatio[${key}]`, ratio, `ratio ${s(ratio)} is less than 1`),
    );
  if (ratio && min && max) {
    const limit = Number(quantityMilliValue(max)) / Number(quantityMilliValue(min));
    if (Number(quantityMilliValue(ratio)) / 1000 > limit)
      errors.push(
        invalidQuantity(
          `${path}.maxLimitRequestRatio[${key}]`,
          ratio,
          `ratio ${s(ratio)} is greater than max/min = ${goFloat(limit)}`,
        ),
      );
  }
  if (!isOvercommitAllowed(key) && def && defReq && compareQuantities(def, defReq) !== 0)
    errors.push(
      invalidQuantity(
        `${path}.defaultRequest[${key}]`,
        defReq,
        `default value ${s(def)} must equal to defaultRequest value ${s(defReq)} in ${key}`,
      ),
    );
  return errors;
}

/** Go's %f. */
function goFloat(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (!Number.isFinite(n)) return n > 0 ? "+Inf" : "-Inf";
  return n.toFixed(6);
}

/** ValidateLimitRange, less the object metadata: each item's type, resource names and bounds. */
export function validateLimitRange(obj: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  const seen = new Set<string>();
  limitItems(obj).forEach((item, i) => {
    const path = `spec.limits[${i}]`;
    errors.push(...validateLimitRangeType(item.type, `${path}.type`));
    if (seen.has(item.type)) errors.push(duplicate(`${path}.type`, item.type));
    seen.add(item.type);
    const keys = new Set<string>();
    const names = (list: ListName) => {
      for (const key of item.lists[list].keys()) {
        errors.push(...validateLimitRangeResourceName(item.type, key, `${path}.${list}[${key}]`));
        keys.add(key);
      }
    };
    names("max");
    names("min");
    if (item.type === "Pod") {
      for (const list of ["default", "defaultRequest"] as const)
        if (item.lists[list].size)
          errors.push(forbiddenField(`${path}.${list}`, "may not be specified when `type` is 'Pod'"));
    } else {
      names("default");
      names("defaultRequest");
    }
    if (
      item.type === "PersistentVolumeClaim" &&
      !item.lists.min.has("storage") &&
      !item.lists.max.has("storage")
    )
      errors.push(
        required(
          `${path}.limits`,
          "either minimum or maximum storage value is required, but neither was provided",
        ),
      );
    names("maxLimitRequestRatio");
    for (const key of keys) errors.push(...compareBounds(item, key, path));
  });
  return errors;
}
