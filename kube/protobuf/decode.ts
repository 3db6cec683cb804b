/**
 * Decodes Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`, which kubectl
 * uses for typed requests such as `kubectl create namespace`) into the JSON form of the same object.
 *
 * The .proto files under proto/ are vendored from k8s.io/api and k8s.io/apimachinery v0.32.13.
 * protobufjs does the wire format; this module only unwraps the envelope and maps the decoded
 * message onto Kubernetes JSON (Go encoding/json with the API types' omitempty and custom marshallers).
 */
import { isAbsolute, join } from "node:path";
import protobuf from "protobufjs";
import { inlineFields, jsonNames, keepZeroFields, listMessages } from "./go-fields.ts";

const protoDir = join(import.meta.dirname, "proto");
const meta = "k8s.io.apimachinery.pkg.apis.meta.v1";

/** apiVersion → its folder in k8s.io/api (proto package k8s.io.api.<folder with dots>). */
const apiFolders: Record<string, string> = {
  v1: "core/v1",
  "apps/v1": "apps/v1",
  "batch/v1": "batch/v1",
  "autoscaling/v1": "autoscaling/v1",
  "policy/v1": "policy/v1",
  "rbac.authorization.k8s.io/v1": "rbac/v1",
  "networking.k8s.io/v1": "networking/v1",
  "discovery.k8s.io/v1": "discovery/v1",
  "coordination.k8s.io/v1": "coordination/v1",
  "authentication.k8s.io/v1": "authentication/v1",
  "authorization.k8s.io/v1": "authorization/v1",
  "certificates.k8s.io/v1": "certificates/v1",
  "scheduling.k8s.io/v1": "scheduling/v1",
};

/** "k8s\0": the prefix of every Kubernetes protobuf body. */
const magic = [0x6b, 0x38, 0x73, 0x00];

let root: protobuf.Root | undefined;

/** Loads (once) and returns the protobufjs Root holding every vendored Kubernetes message type. */
export function loadRoot(): protobuf.Root {
  if (root) return root;
  const loaded = new protobuf.Root();
  loaded.resolvePath = (_origin, target) => (isAbsolute(target) ? target : join(protoDir, target));
  const files = Object.values(apiFolders).map((folder) => `k8s.io/api/${folder}/generated.proto`);
  loaded.loadSync(files, { keepCase: true }); // imports bring in the apimachinery files
  loaded.resolveAll();
  root = loaded;
  return root;
}

/** True when a Content-Type header names the Kubernetes protobuf encoding (parameters ignored). */
export function isProtobufContentType(contentType: string): boolean {
  return contentType.split(";")[0]?.trim().toLowerCase() === "application/vnd.kubernetes.protobuf";
}

/**
 * Decodes a Kubernetes protobuf body ("k8s\0" + runtime.Unknown wrapping the object) into the JSON
 * object the API would accept, e.g. {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"x"},...}.
 * Throws an Error with a readable message for a malformed body or an apiVersion/kind it does not know.
 */
export function decodeProtobufObject(bytes: Uint8Array): Record<string, unknown> {
  if (bytes.length < magic.length || magic.some((b, i) => bytes[i] !== b)) {
    throw new Error('invalid protobuf body: missing the "k8s\\0" prefix');
  }
  const types = loadRoot();
  const unknown = decode(
    types.lookupType("k8s.io.apimachinery.pkg.runtime.Unknown"),
    bytes.subarray(magic.length),
  );
  const typeMeta = unknown.typeMeta as { apiVersion?: string; kind?: string } | undefined;
  const apiVersion = typeMeta?.apiVersion ?? "";
  const kind = typeMeta?.kind ?? "";
  if (!apiVersion || !/^[A-Za-z]\w*$/.test(kind)) {
    throw new Error("invalid protobuf body: apiVersion and kind are required");
  }
  if (unknown.contentEncoding) {
    throw new Error(`unsupported protobuf contentEncoding "${unknown.contentEncoding}"`);
  }
  const unsupported = `protobuf decoding is not supported for apiVersion "${apiVersion}", kind "${kind}"`;
  const folder = apiFolders[apiVersion];
  // Kinds of the group, or meta kinds every group version has (DeleteOptions, Status, ...).
  const type =
    folder &&
    (types.lookup(`k8s.io.api.${folder.replace("/", ".")}.${kind}`) ?? types.lookup(`${meta}.${kind}`));
  if (!(type instanceof protobuf.Type)) throw new Error(unsupported);
  const object = messageToJSON(
    type,
    decode(type, (unknown.raw as Uint8Array | undefined) ?? new Uint8Array()),
  );
  if (typeof object !== "object" || object === null || Array.isArray(object)) throw new Error(unsupported);
  return { apiVersion, kind, ...object };
}

function decode(type: protobuf.Type, bytes: Uint8Array): protobuf.Message & Record<string, unknown> {
  try {
    return type.decode(bytes) as protobuf.Message & Record<string, unknown>;
  } catch (error) {
    throw new Error(`invalid protobuf body: cannot decode ${type.name}: ${(error as Error).message}`);
  }
}

/** Go encoding/json of one decoded message: special API types first, then field by field. */
function messageToJSON(type: protobuf.Type, message: Record<string, unknown>): unknown {
  const has = (field: string) => Object.hasOwn(message, field);
  switch (type.fullName.slice(1)) {
    case `${meta}.Time`:
      return has("seconds") ? formatTime(toNumber(message.seconds), 0, false) : undefined;
    case `${meta}.MicroTime`:
      return has("seconds")
        ? formatTime(toNumber(message.seconds), toNumber(message.nanos ?? 0), true)
        : undefined;
    case `${meta}.Duration`:
      return formatDuration(toNumber(message.duration ?? 0));
    case `${meta}.FieldsV1`:
      return parseRaw(message.Raw);
    case "k8s.io.apimachinery.pkg.runtime.RawExtension":
      return parseRaw(message.raw);
    case "k8s.io.apimachinery.pkg.api.resource.Quantity":
      return message.string ?? "0";
    case "k8s.io.apimachinery.pkg.util.intstr.IntOrString":
      return toNumber(message.type ?? 0) === 1 ? (message.strVal ?? "") : toNumber(message.intVal ?? 0);
  }
  if (listMessages.has(type.fullName.slice(1))) {
    return (message.items as unknown[]).map((item) => toJSON(type.fields.items as protobuf.Field, item));
  }
  const json: Record<string, unknown> = {};
  for (const field of type.fieldsArray) {
    if (!has(field.name)) continue;
    const id = `${type.fullName.slice(1)}.${field.name}`;
    const name = jsonNames[id] ?? field.name;
    const value = message[field.name];
    if (field.map) {
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.length > 0) json[name] = Object.fromEntries(entries.map(([k, v]) => [k, toJSON(field, v)]));
    } else if (field.repeated) {
      const items = value as unknown[];
      if (items.length > 0) json[name] = items.map((item) => toJSON(field, item));
    } else if (inlineFields.has(id)) {
      Object.assign(json, toJSON(field, value));
    } else {
      const converted = toJSON(field, value);
      // Go's protobuf marshallers write zero scalars too; its JSON omitempty drops most of them again.
      const keepZero = field.resolvedType !== null || keepZeroFields.has(id);
      if (converted !== undefined && (keepZero || !isZero(converted))) json[name] = converted;
    }
  }
  return json;
}

/** One value (a field, a list item or a map value) in its JSON form. */
function toJSON(field: protobuf.Field, value: unknown): unknown {
  if (field.resolvedType instanceof protobuf.Type) {
    return messageToJSON(field.resolvedType, value as Record<string, unknown>);
  }
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (typeof value === "object" && value !== null) return toNumber(value); // Long
  return value;
}

function isZero(value: unknown): boolean {
  return value === "" || value === 0 || value === false;
}

function toNumber(value: unknown): number {
  return typeof value === "number" ? value : Number(String(value));
}

/** Embedded raw JSON (or a nested "k8s\0" protobuf object), absent when empty like Go's null. */
function parseRaw(raw: unknown): unknown {
  if (!(raw instanceof Uint8Array) || raw.length === 0) return undefined;
  if (magic.every((b, i) => raw[i] === b)) return decodeProtobufObject(raw);
  try {
    return JSON.parse(Buffer.from(raw).toString("utf8"));
  } catch {
    throw new Error("invalid protobuf body: embedded raw object is neither JSON nor protobuf");
  }
}

/** RFC 3339 in UTC, like metav1.Time (seconds) and metav1.MicroTime (microseconds). */
function formatTime(seconds: number, nanos: number, micro: boolean): string {
  const date = new Date(seconds * 1000);
  const year = date.getUTCFullYear(); // NaN when out of Date's range
  if (!(year >= 0 && year <= 9999)) throw new Error(`invalid protobuf body: time ${seconds} out of range`);
  const iso = date.toISOString().slice(0, 19);
  return micro ? `${iso}.${String(Math.floor(nanos / 1000)).padStart(6, "0")}Z` : `${iso}Z`;
}

/** Go's time.Duration.String(), e.g. "1h30m0s", "1.5s", "300ms". */
function formatDuration(nanoseconds: number): string {
  if (nanoseconds === 0) return "0s";
  const sign = nanoseconds < 0 ? "-" : "";
  let rest = Math.abs(nanoseconds);
  const decimal = (value: number, scale: number) => {
    const fraction = String(value % scale)
      .padStart(String(scale).length - 1, "0")
      .replace(/0+$/, "");
    return `${Math.floor(value / scale)}${fraction && `.${fraction}`}`;
  };
  if (rest < 1e3) return `${sign}${rest}ns`;
  if (rest < 1e6) return `${sign}${decimal(rest, 1e3)}µs`;
  if (rest < 1e9) return `${sign}${decimal(rest, 1e6)}ms`;
  const hours = Math.floor(rest / 3.6e12);
  rest -= hours * 3.6e12;
  const minutes = Math.floor(rest / 6e10);
  rest -= minutes * 6e10;
  return `${sign}${hours ? `${hours}h` : ""}${hours || minutes ? `${minutes}m` : ""}${decimal(rest, 1e9)}s`;
}
