import { parse } from "yaml";
import { type JsonBody, parseJsonBody } from "../../kube/decode/json-node.ts";
import { badRequest, StatusError, unsupportedMediaType } from "../../kube/errors.ts";
import { decodeProtobufObject, isProtobufContentType } from "../../kube/protobuf/decode.ts";

/** The API server's request body limit (3 MiB). */
export const maxBodyBytes = 3 * 1024 * 1024;

/**
 * A request body as decoded: its value, and for a JSON body the text it was parsed from (which the
 * typed decoding reads for duplicate keys and number literals: pass it on as DecodeOptions.sourceText).
 */
export interface RequestBody {
  value: unknown;
  text?: string;
}

/**
 * Reads a request body as JSON, YAML or Kubernetes protobuf (by Content-Type), within the size limit. Malformed
 * input is a 400 BadRequest, as the API server's decoder answers it.
 */
export async function readBody(req: Request): Promise<RequestBody> {
  const bytes = await readBytes(req);
  const contentType = req.headers.get("content-type") ?? "application/json";
  if (isProtobufContentType(contentType)) {
    try {
      return { value: decodeProtobufObject(bytes) };
    } catch (err) {
      throw badRequest((err as Error).message);
    }
  }
  const text = new TextDecoder().decode(bytes);
  if (text.trim() === "") throw badRequest("the body of the request was empty");
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  if (type.endsWith("yaml")) {
    try {
      return { value: parse(text, { maxAliasCount: 100 }) };
    } catch (err) {
      throw badRequest(`error converting YAML to JSON: ${(err as Error).message.split("\n")[0]}`);
    }
  }
  if (type.endsWith("json") || type === "" || type === "*/*") {
    try {
      return parseJsonBody(text);
    } catch (err) {
      throw badRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
    }
  }
  throw unsupportedMediaType();
}

/** A patch body (JSON, whatever the patch type but apply), within the size limit. */
export async function readPatchBody(req: Request): Promise<JsonBody> {
  const text = new TextDecoder().decode(await readBytes(req));
  try {
    return parseJsonBody(text);
  } catch (err) {
    throw badRequest(`error decoding patch: ${(err as Error).message}`);
  }
}

/**
 * The body's bytes, or 413 past the API server's limit: a declared length over it is refused
 * before anything is read, and a body without one (chunked) is read as it comes and dropped at
 * the limit, so no request makes the server hold more than the limit, whatever its method.
 */
export async function readBytes(req: Request): Promise<Uint8Array> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > maxBodyBytes) throw tooLarge();
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBodyBytes) {
      // What the client still sends is not read: the connection answers and moves on.
      void reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

function tooLarge(): StatusError {
  return new StatusError(413, "RequestEntityTooLarge", `Request entity too large: limit is ${maxBodyBytes}`);
}
