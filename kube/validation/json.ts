/**
 * Tolerant readers of decoded JSON: a manifest may hold anything where a field should be, and
 * validation must report it rather than crash on it.
 */

import { isPlainObject } from "../object.ts";

/** A JSON object. */
export type Json = Record<string, unknown>;

/** The value as an object, or an empty one. */
export function record(value: unknown): Json {
  return isPlainObject(value) ? value : {};
}

/** The value as an array, or an empty one. */
export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The value as a list of objects (non-objects read as empty objects, so indexes stay right). */
export function records(value: unknown): Json[] {
  return list(value).map(record);
}

/** The value as a string, or "". */
export function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/** The value as a number, or undefined. */
export function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** The object at `obj[key]`, created when absent so defaults can be written into it. */
export function child(obj: Json, key: string): Json {
  const value = obj[key];
  if (isPlainObject(value)) return value;
  const created: Json = {};
  obj[key] = created;
  return created;
}
