import { viewAs } from "../../kube/kinds/kind.ts";
import { secretKind } from "../../kube/kinds/secret/index.ts";
import type { KubeObject } from "../../kube/object.ts";
import type { Secret } from "../../kube/types/core-v1.ts";
import type { Queryable } from "../sql.ts";
import { type BodySealer, Sealing } from "../store/sealing.ts";
import { currentDataKey, dataKey } from "./data-keys.ts";
import { boundTo, decryptJson, encryptJson } from "./jwe.ts";
import type { Keyring } from "./keyring.ts";

/** The field of a stored Secret that holds its encrypted part, as one compact JWE. */
export const sealedField = "$sealed";

/** kubectl apply keeps the whole manifest here, data included: it is sealed with the data. */
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration";

/** What a Secret's JWE holds: its data map, any stringData, and kubectl apply's copy of both. */
type Sealed = Pick<Secret, "data" | "stringData"> & { lastApplied?: string };

/** Which object a Secret's sealed data belongs to: bound into the JWE's authenticated header. */
function identity(obj: KubeObject): string {
  return `${obj.metadata.namespace ?? ""}/${obj.metadata.name ?? ""}`;
}

function withoutLastApplied(obj: KubeObject): KubeObject["metadata"] {
  const { [lastApplied]: _, ...annotations } = obj.metadata.annotations ?? {};
  const { annotations: __, ...metadata } = obj.metadata;
  return Object.keys(annotations).length ? { ...metadata, annotations } : metadata;
}

/**
 * Seals a Secret: `data` (and `stringData`, and the last-applied annotation) leave the body and
 * go into one JWE under the sandbox's current data key, named by its kid. A body with nothing to
 * seal (no data, or already sealed) is stored as it is.
 */
async function seal(
  keyring: Keyring,
  tx: Queryable,
  sandboxId: string,
  body: KubeObject,
): Promise<KubeObject> {
  const { data, stringData, ...rest } = viewAs(secretKind, body);
  const applied = body.metadata.annotations?.[lastApplied];
  if (data === undefined && stringData === undefined && applied === undefined) return body;
  const payload: Sealed = { data, stringData, lastApplied: applied };
  const key = await currentDataKey(tx, sandboxId, keyring);
  return {
    ...rest,
    metadata: applied === undefined ? body.metadata : withoutLastApplied(body),
    [sealedField]: await encryptJson(key.key, key.kid, payload, identity(body)),
  };
}

/** Opens a sealed Secret body: its data (and what else was sealed) back in place. */
async function open(
  keyring: Keyring,
  sql: Queryable,
  sandboxId: string,
  body: KubeObject,
): Promise<KubeObject> {
  const { [sealedField]: sealed, ...rest } = body;
  if (typeof sealed !== "string") return body;
  // Data sealed for another object (moved by someone with database access) is never served.
  if (boundTo(sealed) !== identity(body))
    throw new Error(`sealed data of secret ${identity(body)} belongs to another object`);
  const payload = (await decryptJson(sealed, (kid) => dataKey(sql, sandboxId, kid, keyring))) as Sealed;
  const out: KubeObject = { ...rest };
  if (payload.data !== undefined) out.data = payload.data;
  if (payload.stringData !== undefined) out.stringData = payload.stringData;
  if (payload.lastApplied !== undefined)
    out.metadata = {
      ...rest.metadata,
      annotations: { ...rest.metadata.annotations, [lastApplied]: payload.lastApplied },
    };
  return out;
}

/** The sealer of Secrets under a keyring. */
export function secretSealer(keyring: Keyring): BodySealer {
  return {
    seal: (tx, sandboxId, body) => seal(keyring, tx, sandboxId, body),
    open: (sql, sandboxId, body) => open(keyring, sql, sandboxId, body),
  };
}

/** The store's sealing with Secrets encrypted under this keyring (at start-up, after verifyKeyring). */
export function sealingWith(keyring: Keyring): Sealing {
  return new Sealing({ secrets: secretSealer(keyring) });
}
