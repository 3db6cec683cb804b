import { type StatusDetails, StatusError } from "../kube/errors.ts";
import type { Kind } from "../kube/kinds/kind.ts";
import { isPlainObject, type KubeObject } from "../kube/object.ts";

const redacted = "<secret contents redacted>";

/** Values shorter than this are left alone: they would match too much, and give nothing away. */
const shortest = 4;

/** The secret values of objects of a kind: each as stored (base64) and as its text, when it is text. */
function secretValues(kind: Kind, objects: unknown[]): string[] {
  const values = new Set<string>();
  for (const obj of objects) {
    if (!isPlainObject(obj)) continue;
    for (const field of kind.sensitiveFields ?? []) {
      const map = obj[field];
      if (!isPlainObject(map)) continue;
      for (const value of Object.values(map)) {
        if (typeof value !== "string") continue;
        values.add(value);
        const text = Buffer.from(value, "base64").toString("utf8");
        if (!text.includes("\uFFFD")) values.add(text);
      }
    }
  }
  // Longest first, so a value is replaced whole before any value inside it.
  return [...values].filter((v) => v.length >= shortest).sort((a, b) => b.length - a.length);
}

function scrub(text: string, values: string[]): string {
  let out = text;
  for (const v of values) if (out.includes(v)) out = out.split(v).join(redacted);
  return out;
}

/**
 * An error of a write to a kind with secret fields (a Secret), with every value of those fields
 * that the write saw — the stored object's and the new one's — taken out of its message and
 * causes. Validation and decoding already quote none; this holds for whatever quotes the object
 * in a way no one foresaw (a patch that copies a value into a label, say), so no error ever
 * carries a value.
 */
export function scrubSecrets(err: unknown, kind: Kind, objects: unknown[]): unknown {
  if (!(err instanceof StatusError) || !kind.sensitiveFields) return err;
  const values = secretValues(kind, objects);
  if (!values.length) return err;
  const details: StatusDetails | undefined = err.details && {
    ...err.details,
    ...(err.details.causes
      ? {
          causes: err.details.causes.map((c) => ({
            ...c,
            ...(c.message === undefined ? {} : { message: scrub(c.message, values) }),
          })),
        }
      : {}),
  };
  return new StatusError(err.code, err.reason, scrub(err.message, values), details);
}

/** Runs a write, its error scrubbed of the secret values of the objects `seen` gathers meanwhile. */
export async function withSecretsScrubbed<T>(
  kind: Kind,
  seen: KubeObject[],
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (err) {
    throw scrubSecrets(err, kind, seen);
  }
}
