import { badRequest } from "../errors.ts";

/** One requirement of a label selector. */
export type LabelRequirement =
  | { op: "exists" | "notexists"; key: string }
  | { op: "eq" | "neq"; key: string; value: string }
  | { op: "in" | "notin"; key: string; values: string[] };

/** One requirement of a field selector: `field=value` or `field!=value`. */
export interface FieldRequirement {
  field: string;
  op: "eq" | "neq";
  value: string;
}

const keyChars = /^[A-Za-z0-9_./-]+$/;
const valueChars = /^[A-Za-z0-9_.-]*$/;

/** Splits on commas that are not inside parentheses. */
function splitTopLevel(input: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of input) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      parts.push(cur);
      cur = "";
    } else cur += ch;
  }
  parts.push(cur);
  return parts;
}

function parseError(detail: string): Error {
  return badRequest(`unable to parse requirement: ${detail}`);
}

function checkKey(key: string): string {
  if (!key || !keyChars.test(key)) throw parseError(`invalid label key "${key}"`);
  return key;
}

function checkValue(value: string): string {
  if (!valueChars.test(value) || value.length > 63) throw parseError(`invalid label value: "${value}"`);
  return value;
}

/**
 * Parses a label selector as the API server does: comma means AND; `k=v`, `k==v`, `k!=v`,
 * `k in (a,b)`, `k notin (a,b)`, `k` (exists) and `!k`. An empty selector matches everything.
 */
export function parseLabelSelector(selector: string): LabelRequirement[] {
  if (selector.trim() === "") return [];
  return splitTopLevel(selector).map((raw) => {
    const part = raw.trim();
    if (!part) throw parseError("found '', expected: identifier");
    const setMatch = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(part);
    if (setMatch) {
      const values = (setMatch[3] ?? "").split(",").map((v) => checkValue(v.trim()));
      return { op: setMatch[2] as "in" | "notin", key: checkKey(setMatch[1] ?? ""), values };
    }
    const eq = /^([^=!\s]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (eq) {
      const op = eq[2] === "!=" ? "neq" : "eq";
      return { op, key: checkKey(eq[1] ?? ""), value: checkValue((eq[3] ?? "").trim()) };
    }
    if (part.startsWith("!")) return { op: "notexists", key: checkKey(part.slice(1).trim()) };
    return { op: "exists", key: checkKey(part) };
  });
}

/** Parses a field selector: `a=b,c!=d` (`==` too). An empty selector matches everything. */
export function parseFieldSelector(selector: string): FieldRequirement[] {
  if (selector.trim() === "") return [];
  return splitTopLevel(selector).map((raw) => {
    const m = /^\s*([^=!\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(raw);
    if (!m) throw badRequest(`invalid selector: '${selector}'; can't understand '${raw.trim()}'`);
    return { field: m[1] ?? "", op: m[2] === "!=" ? "neq" : "eq", value: m[3] ?? "" };
  });
}

/** Whether labels satisfy every requirement (for watch events, checked in memory). */
export function labelsMatch(requirements: LabelRequirement[], labels: Record<string, string> = {}): boolean {
  return requirements.every((r) => {
    const has = Object.hasOwn(labels, r.key);
    const v = labels[r.key];
    switch (r.op) {
      case "exists":
        return has;
      case "notexists":
        return !has;
      case "eq":
        return has && v === r.value;
      case "neq":
        return !has || v !== r.value;
      case "in":
        return has && r.values.includes(v as string);
      default:
        return !has || !r.values.includes(v as string);
    }
  });
}
