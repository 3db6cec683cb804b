import type { PodTemplateSpec } from "../../kube/types/core-v1.ts";
import { canonicalJson } from "./template.ts";

/** rand.SafeEncodeString's alphabet: no vowels (no words) and no 0, 1, 3 (no look-alikes). */
const alphanums = "bcdfghjklmnpqrstvwxz2456789";

/** FNV-1a, 32 bits, over bytes. */
export function fnv32a(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed;
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** rand.SafeEncodeString: each character mapped into the safe alphabet by its code. */
export function safeEncode(s: string): string {
  return Array.from(s, (c) => alphanums[(c.codePointAt(0) ?? 0) % alphanums.length]).join("");
}

/**
 * controller.ComputeHash: FNV-32a over the pod template, then the collision count as 8
 * little-endian bytes when there is one, rendered in decimal through the safe encoding
 * ("7d4b8c5f9"-like). The real controller feeds the hash Go's printout of the typed struct;
 * this feeds canonical JSON (sorted keys, empty values dropped), so values differ from a real
 * cluster's while keeping the shape, determinism and collision handling.
 */
export function computeHash(template: PodTemplateSpec, collisionCount?: number): string {
  let h = fnv32a(new TextEncoder().encode(canonicalJson(template)));
  if (collisionCount !== undefined) {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(bytes, h);
  }
  return safeEncode(String(h));
}
